// Counter stock is audited like money: every change of a counter (the merchant's, an order's
// reservation, release or sale) is a movement, `sx doctor` names a counter or an order line that
// disagrees with its movements, and the migration gives existing counters an opening movement.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql } from 'kysely'
import { connect } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { migrations } from '../src/db/migrations/index.ts'
import { createSecretBox } from '../src/platform/secret-box.ts'
import { checkStock } from '../src/doctor/doctor.ts'
import {
  DIALECTS,
  client,
  createDatabase,
  listen,
  sampleProduct,
  startTestEnv,
  type Client,
  type TestEnv,
} from './harness.ts'
import { NO_LIMITS, SHIP_TO, order, settle } from './orders-helpers.ts'
import { runSx } from './processes.ts'

const TTL_SECONDS = 600

for (const dialect of DIALECTS) {
  describe(`${dialect}: stock movements`, () => {
    let env: TestEnv
    let base: string
    // Unpaid orders expire when the clock passes their expires_at; tests move it there.
    let skewMs = 0
    const clock = { now: () => Date.now() + skewMs }
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, ORDER_TTL_SECONDS: String(TTL_SECONDS) }, { clock })
      base = await listen(env.app)
    })
    after(() => env.close())

    const movements = async (productId: string) =>
      (
        await env.services.db
          .selectFrom('stock_movements')
          .select(['kind', 'delta', 'order_id'])
          .where('product_id', '=', productId)
          .orderBy('id')
          .execute()
      ).map((m) => `${m.kind} ${Number(m.delta)}${m.order_id ? ` ${m.order_id}` : ''}`)
    const physical = async (api: Client, overrides: Record<string, unknown>) => {
      const res = await api.post('/v1/products', sampleProduct({ type: 'physical', name: 'Poster', ...overrides }))
      assert.equal(res.statusCode, 201, res.body)
      return res.json().id as string
    }
    const buy = (api: Client, productId: string, qty: number) =>
      order(api, [{ product_id: productId, qty }], { shipping_address: SHIP_TO })
    const stockOf = async (api: Client, productId: string) => (await api.get(`/v1/products/${productId}`)).json().stock
    const counterReserved = async (orderId: string) =>
      (
        await env.services.db
          .selectFrom('order_lines')
          .select('counter_reserved')
          .where('order_id', '=', orderId)
          .executeTakeFirstOrThrow()
      ).counter_reserved

    it('records the merchant setting a counter, unlimited and back, and each order reserving, selling and releasing', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await physical(api, { stock: 3 })
      assert.equal((await api.patch(`/v1/products/${product}`, { stock: 7 })).statusCode, 200)
      assert.equal((await api.patch(`/v1/products/${product}`, { stock: 7, name: 'Poster (A2)' })).statusCode, 200)
      const sold = await buy(api, product, 2)
      assert.equal((await api.post(`/v1/test_helpers/orders/${sold.id}/pay`, {})).statusCode, 200)
      await settle(api, sold.id, (o) => o.status === 'paid')
      const held = await buy(api, product, 1)
      assert.equal(await stockOf(api, product), 4)
      // Unlimited: the counter's units leave the sum; an order then takes nothing and holds nothing.
      assert.equal((await api.patch(`/v1/products/${product}`, { stock: null })).json().stock, null)
      const free = await buy(api, product, 5)
      assert.deepEqual([await counterReserved(held.id), await counterReserved(free.id)], [1, 0])
      skewMs += (TTL_SECONDS + 1) * 1000
      for (const o of [held, free]) await settle(api, o.id, (x) => x.status === 'failed')
      assert.equal(await stockOf(api, product), null, 'a unit released into an unlimited counter leaves it unlimited')
      assert.equal((await api.patch(`/v1/products/${product}`, { stock: 2 })).json().stock, 2)
      assert.deepEqual(await movements(product), [
        'set 3',
        'set 4',
        `reserved -2 ${sold.id}`,
        `sold 0 ${sold.id}`,
        `reserved -1 ${held.id}`,
        'unlimited -4',
        `released 0 ${held.id}`,
        'set 2',
      ])
      assert.deepEqual((await checkStock(env.services.db)).differences, [])
    })

    it('gives the units back when the invoice cannot be made, and records it', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      // The sandbox quotes USD, EUR and GBP only: a JPY order fails at the invoice, after reserving.
      const product = await physical(api, { stock: 2, currency: 'JPY', price_cents: 500 })
      const res = await api.post('/v1/orders', {
        customer_email: 'b@example.com',
        items: [{ product_id: product, qty: 2 }],
        shipping_address: SHIP_TO,
      })
      assert.equal(res.statusCode, 422, res.body)
      const failed = await env.services.db
        .selectFrom('orders')
        .select(['id', 'failure_reason'])
        .where('shop_id', '=', shop.shop.id)
        .executeTakeFirstOrThrow()
      assert.equal(failed.failure_reason, 'provider_unavailable')
      assert.equal(await stockOf(api, product), 2)
      assert.deepEqual(await movements(product), ['set 2', `reserved -2 ${failed.id}`, `released 2 ${failed.id}`])
    })

    it('keeps every counter and order line in agreement while the merchant switches stock during a rush', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await physical(api, { stock: 4 })
      const send = (method: string, path: string, body: unknown) =>
        fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${shop.keys.test}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      const settings = [null, 6, 0, null, 3, 9, null, 2]
      const answers = await Promise.all([
        ...Array.from({ length: 30 }, (_, i) =>
          send('POST', '/v1/orders', {
            customer_email: `r${i}@example.com`,
            items: [{ product_id: product, qty: 1 }],
            shipping_address: SHIP_TO,
          }),
        ),
        ...settings.map((stock) => send('PATCH', `/v1/products/${product}`, { stock })),
      ])
      assert.ok(
        answers.every((a) => [200, 201, 409].includes(a.status)),
        `statuses: ${answers.map((a) => a.status)}`,
      )
      const { differences } = await checkStock(env.services.db)
      assert.deepEqual(differences, [])
      const stock = await stockOf(api, product)
      assert.ok(stock === null || stock >= 0, `stock ${stock}`)
    })
  })

  describe(`${dialect}: sx doctor on stock`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS)
    })
    after(() => env.close())

    const doctor = async () => {
      const run = runSx(['doctor'], { DATABASE_URL: env.dbUrl, SX_DATA_DIR: env.dataDir, LOG_LEVEL: 'silent' })
      return { code: await run.exited, ...run.output() }
    }

    it('is quiet on agreeing counters and names a counter or order line that disagrees with its movements (exit 1)', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const newCounter = async (stock: number) =>
        (await api.post('/v1/products', sampleProduct({ type: 'subscription', name: `Seat ${stock}`, stock }))).json()
          .id as string
      const edited = await newCounter(5)
      const ordered = await newCounter(5)
      const open = await order(api, [{ product_id: ordered, qty: 1 }])
      const ok = await doctor()
      assert.equal(ok.code, 0, ok.stdout + ok.stderr)
      assert.match(ok.stdout, /^ledger ok: /m)
      assert.match(ok.stdout, /^stock ok: 2 counters agree with their movements$/m)

      // A counter edited behind the API's back, and a release booked for an order still awaiting
      // payment (the shape of the oversell bug: a unit given back that was never taken).
      const db = env.services.db
      await db.updateTable('products').set({ stock_counter: 8 }).where('id', '=', edited).execute()
      await db
        .insertInto('stock_movements')
        .values({
          id: 'sm_01J2PVQR41XKZ0Q6V1H8D3M9TE',
          shop_id: shop.shop.id,
          livemode: 0,
          product_id: ordered,
          kind: 'released',
          delta: 1,
          order_id: open.id,
          created_at: Date.now(),
        })
        .execute()
      const broken = await doctor()
      assert.equal(broken.code, 1, broken.stdout + broken.stderr)
      const lines = broken.stdout.trim().split('\n')
      assert.match(lines[0]!, /^ledger ok: /)
      assert.equal(lines[1], 'stock differences (3):')
      assert.deepEqual(
        lines
          .slice(2)
          .map((l) => l.trim())
          .sort(),
        [
          `${shop.shop.id} test ${edited}: stock_counter is 8, expected 5`,
          `${shop.shop.id} test ${ordered}: stock_counter is 4, expected 5`,
          `${shop.shop.id} test ${open.id} ${ordered}: released movements is 1, expected 0`,
        ].sort(),
      )

      // Put it back, so the harness's own check of this database passes.
      await db.deleteFrom('stock_movements').where('id', '=', 'sm_01J2PVQR41XKZ0Q6V1H8D3M9TE').execute()
      await db.updateTable('products').set({ stock_counter: 5 }).where('id', '=', edited).execute()
      assert.equal((await doctor()).code, 0)
    })
  })

  describe(`${dialect}: stock movements migration`, () => {
    it('gives each existing counter one opening movement, so an upgraded database balances', async () => {
      const database = await createDatabase(dialect)
      const { db } = connect(database.url)
      after(async () => {
        await db.destroy()
        await database.drop()
      })
      const box = createSecretBox('stock migration test')
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations(box) } }).migrateTo(
        '2026_11_27_0005_money',
      )
      assert.ifError(error)
      const shop = 'shop_01J2PVQR41XKZ0Q6V1H8D3M9TE'
      await sql`insert into shops (id, name, created_at) values (${shop}, 'Old Shop', 1)`.execute(db)
      const products = [
        { id: 'prod_01J2PVQR41XKZ0Q6V1H8D3M9T1', type: 'physical', stock: 7 },
        { id: 'prod_01J2PVQR41XKZ0Q6V1H8D3M9T2', type: 'subscription', stock: null },
        { id: 'prod_01J2PVQR41XKZ0Q6V1H8D3M9T3', type: 'license_key', stock: null },
      ]
      for (const p of products) {
        await sql`insert into products (id, shop_id, livemode, name, slug, type, price_cents, currency, status, stock_counter, created_at, updated_at)
          values (${p.id}, ${shop}, 0, ${p.type}, ${p.id}, ${p.type}, 100, 'USD', 'active', ${p.stock}, 1, 1)`.execute(
          db,
        )
      }
      // An order from before the upgrade holds 2 units with no movement: it predates the audit.
      await sql`insert into customers (id, shop_id, livemode, email, created_at) values ('cus_01J2PVQR41XKZ0Q6V1H8D3M9TE', ${shop}, 0, 'b@example.com', 1)`.execute(
        db,
      )
      await sql`insert into orders (id, shop_id, livemode, status, customer_id, customer_email, currency, total_cents, page_token, provider, chain, asset,
        amount_due, amount_received, invoice_status, expires_at, created_at, updated_at)
        values ('ord_01J2PVQR41XKZ0Q6V1H8D3M9T1', ${shop}, 0, 'awaiting_payment', 'cus_01J2PVQR41XKZ0Q6V1H8D3M9TE', 'b@example.com', 'USD', 200, 't', 'sandbox', 'tron', 'USDT',
        '2000000', '0', 'new', 2000, 500, 500)`.execute(db)
      await sql`insert into order_lines (order_id, line, shop_id, livemode, product_id, product_name, product_type, qty, unit_price_cents, subtotal_cents, counter_reserved, delivery_state, attempts)
        values ('ord_01J2PVQR41XKZ0Q6V1H8D3M9T1', 1, ${shop}, 0, ${products[0]!.id}, 'physical', 'physical', 2, 100, 200, 1, 'pending', 0)`.execute(
        db,
      )

      assert.ok((await migrateToLatest(db, box)).includes('2026_11_29_0006_stock_movements'))
      assert.deepEqual(await checkStock(db), { counters: 2, differences: [] })
      const rows = await db
        .selectFrom('stock_movements')
        .select(['id', 'product_id', 'kind', 'delta', 'order_id', 'created_at'])
        .execute()
      assert.deepEqual(
        rows.map((m) => [m.id, m.product_id, m.kind, Number(m.delta), m.order_id]),
        [['sm_01J2PVQR41XKZ0Q6V1H8D3M9T1', products[0]!.id, 'set', 7, null]],
      )
      assert.ok(Math.abs(Number(rows[0]!.created_at) - Date.now()) < 600_000, 'stamped with the time of the upgrade')
    })
  })
}
