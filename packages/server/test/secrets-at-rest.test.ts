// Secrets and goods at rest (issue 10, item 3): nothing shown once (API keys, signing secrets) and
// no goods (pool items, delivered values) can be read from the database in clear, in any table;
// idempotent replays of secret-minting requests leave the secret out; the 0007 migration seals
// what older versions stored in clear.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql, type QueryExecutorProvider } from 'kysely'
import { connect } from '../src/db/connect.ts'
import type { Dialect } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { migrations } from '../src/db/migrations/index.ts'
import { canonicalJson } from '../src/platform/http/idempotency.ts'
import { sha256Hex } from '../src/platform/crypto.ts'
import { createSecretBox } from '../src/platform/secret-box.ts'
import { DIALECTS, client, present, createDatabase, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { NO_LIMITS, settle } from './orders-helpers.ts'
import { idempotent } from './money-helpers.ts'
import { startReceiver } from './webhook-helpers.ts'
import { waitFor } from './processes.ts'

/** Every text value of every table, as `table.column` → values: what a copy of the database shows. */
async function dumpText(db: QueryExecutorProvider, dialect: Dialect): Promise<Map<string, string[]>> {
  const tables =
    dialect === 'sqlite'
      ? (
          await sql<{
            name: string
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
        ).rows.map((r) => r.name)
      : (
          await sql<{
            name: string
          }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
            db,
          )
        ).rows.map((r) => r.name)
  const dump = new Map<string, string[]>()
  for (const table of tables) {
    for (const row of (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value !== 'string') continue
        const key = `${table}.${column}`
        dump.set(key, [...(dump.get(key) ?? []), value])
      }
    }
  }
  return dump
}

/** The `table.column`s holding any of `needles`, with the needle found. */
function holders(dump: Map<string, string[]>, needles: string[]): string[] {
  const found: string[] = []
  for (const [where, values] of dump) {
    for (const needle of needles)
      if (values.some((value) => value.includes(needle))) found.push(`${where} holds ${needle.slice(0, 24)}`)
  }
  return found
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: secrets and goods at rest`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, WEBHOOK_TIMEOUT_MS: '2000' })
    })
    after(() => env.close())

    it('keeps no API key, signing secret, pool item or delivered good readable in any table', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const post = async (url: string, body: unknown, status = 201) => {
        const res = await api.post(url, body, idempotent())
        assert.equal(res.statusCode, status, res.body)
        return res.json()
      }
      const minted = await post('/v1/api-keys', { name: 'reader', abilities: ['orders:read'] })
      const receiver = await startReceiver()
      const hook = await post('/v1/webhooks', { url: receiver.url, events: ['*'] })
      const rotated = await post(`/v1/webhooks/${hook.id}/rotate_secret`, {}, 200)
      const dynamicGood = `DYN-GOOD-${randomUUID()}`
      const merchant = await startReceiver(() => ({ status: 200, body: dynamicGood }))
      const dynamic = await post(
        '/v1/products',
        sampleProduct({ type: 'dynamic', name: 'Gift card', dynamic_url: merchant.url }),
      )
      const pool = await post('/v1/products', sampleProduct({ name: 'Game key' }))
      const items = Array.from({ length: 3 }, () => `POOL-ITEM-${randomUUID()}`)
      await post(`/v1/products/${pool.id}/stock`, { items })
      // A one-item import: a plain hash of its request (the idempotency fingerprint) would confirm a guessed item.
      const single = `POOL-ITEM-${randomUUID()}`
      await post(`/v1/products/${pool.id}/stock`, { items: [single] })
      const plainFingerprint = sha256Hex(`POST /v1/products/${pool.id}/stock\n${canonicalJson({ items: [single] })}`)
      const placed = await post('/v1/orders', {
        customer_email: 'buyer@example.com',
        items: [
          { product_id: pool.id, qty: 1 },
          { product_id: dynamic.id, qty: 1 },
        ],
      })
      await post(`/v1/test_helpers/orders/${placed.id}/pay`, {}, 200)
      const done = await settle(api, placed.id)
      assert.equal(done.status, 'completed', JSON.stringify(done))
      const delivered = done.delivery.items.map((item) => present(item.value, 'a delivered value')).sort()
      assert.equal(delivered.length, 2)
      assert.ok(
        delivered.includes(dynamicGood) &&
          items.includes(
            present(
              delivered.find((v) => v.startsWith('POOL-')),
              'the pool item',
            ),
          ),
        'the buyer got a pool item and the dynamic good',
      )
      // The goods also went out by mail and in the order.delivered webhook: both stored.
      await waitFor(
        async () =>
          (
            await env.services.db.selectFrom('mails').select('status').where('order_id', '=', placed.id).execute()
          ).filter((m) => m.status === 'sent').length === 2,
        'both order mails sent',
      )
      await waitFor(
        () => receiver.events().some((e) => e.type === 'order.delivered'),
        'order.delivered at the receiver',
      )
      await post(`/v1/orders/${placed.id}/resend`, {}, 200)

      const secrets = [
        minted.secret,
        minted.secret.slice('sx_test_'.length),
        hook.signing_secret,
        hook.signing_secret.slice('whsec_'.length),
        rotated.signing_secret,
        rotated.signing_secret.slice('whsec_'.length),
        dynamic.signing_secret,
        dynamic.signing_secret.slice('whsec_'.length),
        ...items,
        single,
        dynamicGood,
        plainFingerprint,
        ...[...items, single].map((item) => sha256Hex(item)),
      ]
      for (const secret of secrets) assert.equal(typeof secret, 'string')
      const dump = await dumpText(env.services.db, dialect)
      // The dump does see what is meant to be in clear (so an empty result means something).
      assert.ok(holders(dump, ['buyer@example.com', placed.id]).length > 0, 'the dump reads the tables')
      assert.deepEqual(holders(dump, secrets), [], 'no secret and no good in clear')
    })

    it('replays a secret-minting request without the secret, to any key of the shop, even after the minted key was revoked', async () => {
      const shop = await env.newShop()
      const owner = client(env.app, shop.keys.test)
      const otherKey = (
        await owner.post('/v1/api-keys', {
          name: 'second admin',
          abilities: (await owner.get('/v1/api-keys')).json().data[0].abilities,
        })
      ).json()
      const other = client(env.app, otherKey.secret)
      const receiver = await startReceiver()

      const cases: { path: string; body: unknown; field: string; status: number }[] = [
        { path: '/v1/api-keys', body: { name: 'minted', abilities: ['products:read'] }, field: 'secret', status: 201 },
        {
          path: '/v1/webhooks',
          body: { url: receiver.url, events: ['order.paid'] },
          field: 'signing_secret',
          status: 201,
        },
        {
          path: '/v1/products',
          body: sampleProduct({ type: 'dynamic', dynamic_url: receiver.url }),
          field: 'signing_secret',
          status: 201,
        },
      ]
      const hook = (await owner.post('/v1/webhooks', { url: receiver.url, events: ['*'] })).json()
      cases.push({ path: `/v1/webhooks/${hook.id}/rotate_secret`, body: {}, field: 'signing_secret', status: 200 })

      for (const { path, body, field, status } of cases) {
        const key = idempotent()
        const first = await owner.post(path, body, key)
        assert.equal(first.statusCode, status, first.body)
        const secret = first.json()[field] as string
        assert.match(secret, /^(sx_test_|whsec_)/, `${path}: the first answer shows the secret`)
        assert.equal(first.json().secret_omitted, undefined)
        if (path === '/v1/api-keys') {
          assert.equal(
            (await owner.delete(`/v1/api-keys/${first.json().id}`)).statusCode,
            200,
            'the minted key is revoked before the replay',
          )
        }
        const replay = await other.post(path, body, key)
        assert.equal(replay.statusCode, status, replay.body)
        assert.equal(replay.headers['idempotent-replayed'], 'true')
        assert.ok(
          !replay.body.includes(secret) && !replay.body.includes(secret.slice(8)),
          `${path}: the replay does not show the secret`,
        )
        const replayed = replay.json()
        assert.equal(field in replayed, false)
        assert.equal(replayed.secret_omitted, true, `${path}: the replay says the secret is left out`)
        const { [field]: _shown, ...rest } = first.json()
        assert.deepEqual(
          { ...replayed, secret_omitted: undefined },
          { ...rest, secret_omitted: undefined },
          `${path}: otherwise the same object`,
        )
      }

      // Answers without a secret replay exactly as they were.
      const key = idempotent()
      const plain = await owner.post('/v1/products', sampleProduct(), key)
      assert.equal((await other.post('/v1/products', sampleProduct(), key)).body, plain.body)
    })
  })

  describe(`${dialect}: migration 0007 seals what older versions stored in clear`, () => {
    it('seals pool items (keyed by HMAC), delivered goods, events, mails and stored answers, which then read back as before', async () => {
      const database = await createDatabase(dialect)
      const masterKey = `migration test ${randomUUID()}`
      const box = createSecretBox(masterKey)
      const { db } = connect(database.url)
      let env: TestEnv | undefined
      after(async () => {
        await env?.close()
        await db.destroy().catch(() => {})
        await database.drop()
      })
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations(box) } }).migrateTo(
        '2026_11_27_0005_money',
      )
      assert.ifError(error)

      const shop = 'shop_01J2PVQR41XKZ0Q6V1H8D3M9TE'
      const product = 'prod_01J2PVQR41XKZ0Q6V1H8D3M9TE'
      const orderId = 'ord_01J2PVQR41XKZ0Q6V1H8D3M9TE'
      const apiKey = `sx_test_${'A'.repeat(32)}`
      const oldSecret = `sx_test_${'B'.repeat(32)}`
      const item = 'OLD-KEY-0001'
      const good = 'OLD-DELIVERED-0002'
      const mintBody = { name: 'old', abilities: ['products:read'] }
      const storedAnswer = JSON.stringify({
        id: 'apik_01J2PVQR41XKZ0Q6V1H8D3M9TF',
        name: 'old',
        abilities: ['products:read'],
        secret: oldSecret,
      })
      await sql`insert into shops (id, name, created_at) values (${shop}, 'Old Shop', 1)`.execute(db)
      await sql`insert into api_keys (id, shop_id, livemode, name, abilities, secret_hash, secret_hint, created_at)
        values ('apik_01J2PVQR41XKZ0Q6V1H8D3M9TE', ${shop}, 0, 'admin', ${JSON.stringify(['orders:read', 'orders:write', 'products:read', 'products:write', 'customers:read', 'payouts:read', 'payouts:write', 'webhooks:read', 'webhooks:write'])},
        ${sha256Hex(apiKey)}, 'sx_test_…AAAA', 1)`.execute(db)
      await sql`insert into products (id, shop_id, livemode, name, slug, type, price_cents, currency, status, created_at, updated_at)
        values (${product}, ${shop}, 0, 'Old key', 'old-key', 'license_key', 100, 'USD', 'active', 1, 1)`.execute(db)
      await sql`insert into stock_items (id, shop_id, livemode, product_id, value, value_hash, status, created_at)
        values ('stk_01J2PVQR41XKZ0Q6V1H8D3M9TE', ${shop}, 0, ${product}, ${item}, ${sha256Hex(item)}, 'available', 1)`.execute(
        db,
      )
      await sql`insert into customers (id, shop_id, livemode, email, created_at) values ('cus_01J2PVQR41XKZ0Q6V1H8D3M9TE', ${shop}, 0, 'b@example.com', 1)`.execute(
        db,
      )
      await sql`insert into orders (id, shop_id, livemode, status, customer_id, customer_email, currency, total_cents, page_token, provider, chain, asset,
        amount_due, amount_received, invoice_status, expires_at, created_at, updated_at)
        values (${orderId}, ${shop}, 0, 'awaiting_payment', 'cus_01J2PVQR41XKZ0Q6V1H8D3M9TE', 'b@example.com', 'USD', 100, 'tok', 'sandbox', 'tron', 'USDT',
        '100000000', '0', 'new', 2000, 1, 1)`.execute(db)
      await sql`insert into order_lines (order_id, line, shop_id, livemode, product_id, product_name, product_type, qty, unit_price_cents, subtotal_cents,
        counter_reserved, delivery_state, delivered, attempts)
        values (${orderId}, 0, ${shop}, 0, ${product}, 'Old key', 'license_key', 1, 100, 100, 0, 'delivered', ${JSON.stringify([{ value: good }])}, 1)`.execute(
        db,
      )
      await sql`insert into events (id, shop_id, livemode, type, data, created_at, dispatched_at)
        values ('evt_01J2PVQR41XKZ0Q6V1H8D3M9TE', ${shop}, 0, 'order.delivered', ${JSON.stringify({ id: orderId, delivery: { items: [{ value: good }] } })}, 1, 1)`.execute(
        db,
      )
      await sql`insert into mails (id, shop_id, livemode, order_id, kind, recipient, subject, body_text, body_html, status, created_at)
        values ('mail_01J2PVQR41XKZ0Q6V1H8D3M9TE', ${shop}, 0, ${orderId}, 'delivery', 'b@example.com', 'Your order', ${`Your key: ${good}`}, ${`<p>${good}</p>`}, 'sent', 1)`.execute(
        db,
      )
      await sql`insert into idempotency_keys (shop_id, livemode, idem_key, fingerprint, state, status_code, response_body, response_type, created_at, locked_at)
        values (${shop}, 0, 'old-mint', ${sha256Hex(`POST /v1/api-keys\n${canonicalJson(mintBody)}`)}, 'completed', 201, ${storedAnswer}, 'application/json; charset=utf-8', ${Date.now()}, ${Date.now()})`.execute(
        db,
      )

      const applied = await migrateToLatest(db, box)
      assert.deepEqual(
        applied,
        Object.keys(migrations(box)).filter((name) => name > '2026_11_27_0005_money'),
      )
      assert.ok(applied.includes('2026_11_29_0007_secrets_at_rest'))
      assert.deepEqual(
        holders(await dumpText(db, dialect), [item, good, oldSecret]),
        [],
        'nothing readable in clear after the migration',
      )
      const stock = await db.selectFrom('stock_items').select(['value', 'value_hash']).executeTakeFirstOrThrow()
      assert.deepEqual([box.open(stock.value), stock.value_hash], [item, box.digest(item)])
      const event = await db.selectFrom('events').select('data').executeTakeFirstOrThrow()
      assert.deepEqual(JSON.parse(box.open(event.data)).delivery.items, [{ value: good }])
      const mail = await db.selectFrom('mails').select(['body_text', 'body_html']).executeTakeFirstOrThrow()
      assert.deepEqual([box.open(mail.body_text), box.open(mail.body_html!)], [`Your key: ${good}`, `<p>${good}</p>`])
      await db.destroy()

      // The app on the migrated database, under the same SX_SECRET, reads all of it as before.
      env = await startTestEnv(dialect, { DATABASE_URL: database.url, SX_SECRET: masterKey })
      const api = client(env.app, apiKey)
      const imported = await api.post(`/v1/products/${product}/stock`, { items: [item, 'NEW-KEY'] })
      assert.deepEqual(
        imported.json(),
        { imported: 1, duplicates: 1, stock_after: 2 },
        'the old item is still known (its digest was recomputed)',
      )
      const shown = (await api.get(`/v1/orders/${orderId}`)).json()
      assert.deepEqual(
        shown.delivery.items.map((i: { value: string }) => i.value),
        [good],
      )
      const replay = await api.post('/v1/api-keys', mintBody, idempotent('old-mint'))
      assert.equal(replay.headers['idempotent-replayed'], 'true', replay.body)
      const { secret: _old, ...kept } = JSON.parse(storedAnswer)
      assert.deepEqual(replay.json(), { ...kept, secret_omitted: true }, 'the stored answer lost its secret')
      assert.equal(replay.body.includes(oldSecret), false)
    })
  })
}
