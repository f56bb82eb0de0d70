// The ledger invariant as an operator meets it: `sx doctor` is quiet on a consistent database and
// names every difference when the ledger or an order is tampered with; and a database paid into
// before the money migration gets its ledger backfilled so that the invariant holds.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Migrator, sql } from 'kysely'
import { connect } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { migrations } from '../src/db/migrations/index.ts'
import { createSecretBox } from '../src/platform/secret-box.ts'
import { checkLedger } from '../src/doctor/doctor.ts'
import { DIALECTS, client, createDatabase, startTestEnv, type TestEnv } from './harness.ts'
import { runSx } from './processes.ts'
import { MONEY_ENV, paidOrder, payout, refund, settledPayout, settledRefund } from './money-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: sx doctor`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, MONEY_ENV)
    })
    after(() => env.close())

    const doctor = async () => {
      const run = runSx(['doctor'], { DATABASE_URL: env.dbUrl, SX_DATA_DIR: env.dataDir, LOG_LEVEL: 'silent' })
      return { code: await run.exited, ...run.output() }
    }

    it('is quiet on a consistent ledger and names each difference (exit 1) once it is tampered with', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const paid = await paidOrder(api, { qty: 2 })
      await settledRefund(api, paid.id, (await refund(api, paid.id, { amount_cents: 800 })).json().id)
      await settledPayout(api, (await payout(api, { amount_cents: 5000 })).json().id)
      const ok = await doctor()
      assert.equal(ok.code, 0, ok.stdout + ok.stderr)
      assert.match(ok.stdout, /^ledger ok: 1 balance agree with the orders, refunds and payouts$/m)

      const db = env.services.db
      await db
        .insertInto('ledger_entries')
        .values({
          id: 'le_01J2PVQR41XKZ0Q6V1H8D3M9TE',
          shop_id: shop.shop.id,
          livemode: 0,
          currency: 'USD',
          bucket: 'available',
          kind: 'payment',
          source_id: 'ord_01J2PVQR41XKZ0Q6V1H8D3M9TE',
          amount_cents: 100,
          created_at: Date.now(),
        })
        .execute()
      await db.updateTable('orders').set({ refunded_cents: 801 }).where('id', '=', paid.id).execute()
      const broken = await doctor()
      assert.equal(broken.code, 1, broken.stdout + broken.stderr)
      const lines = broken.stdout
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('stock ok: '))
      assert.equal(lines[0], 'ledger differences (3):')
      assert.deepEqual(
        lines
          .slice(1)
          .map((l) => l.trim())
          .sort(),
        [
          `${shop.shop.id} test ${paid.id}: refunded_cents is 801, expected 800`,
          `${shop.shop.id} test USD: available_cents is 20100, expected 20000`,
          `${shop.shop.id} test USD: payment entries is 2, expected 1`,
        ].sort(),
      )

      // Put it back, so the harness's own check of this database passes.
      await db.deleteFrom('ledger_entries').where('id', '=', 'le_01J2PVQR41XKZ0Q6V1H8D3M9TE').execute()
      await db.updateTable('orders').set({ refunded_cents: 800 }).where('id', '=', paid.id).execute()
      assert.equal((await doctor()).code, 0)
    })
  })

  describe(`${dialect}: money migration`, () => {
    it('credits the orders paid before it (a late payment in full too), so the invariant holds on an upgraded database', async () => {
      const database = await createDatabase(dialect)
      const { db } = connect(database.url)
      const box = createSecretBox('ledger migration test')
      after(async () => {
        await db.destroy()
        await database.drop()
      })
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations(box) } }).migrateTo(
        '2026_11_27_0003_orders',
      )
      assert.ifError(error)
      const shop = 'shop_01J2PVQR41XKZ0Q6V1H8D3M9TE'
      await sql`insert into shops (id, name, created_at) values (${shop}, 'Old Shop', 1)`.execute(db)
      await sql`insert into customers (id, shop_id, livemode, email, created_at) values ('cus_01J2PVQR41XKZ0Q6V1H8D3M9TE', ${shop}, 0, 'b@example.com', 1)`.execute(
        db,
      )
      const orders = [
        {
          id: 'ord_01J2PVQR41XKZ0Q6V1H8D3M9T1',
          status: 'completed',
          currency: 'USD',
          total: 12900,
          invoice: 'settled',
          paid_at: 1000,
        },
        {
          id: 'ord_01J2PVQR41XKZ0Q6V1H8D3M9T2',
          status: 'failed',
          currency: 'EUR',
          total: 4900,
          invoice: 'paid_late',
          paid_at: null,
        },
        {
          id: 'ord_01J2PVQR41XKZ0Q6V1H8D3M9T3',
          status: 'awaiting_payment',
          currency: 'USD',
          total: 700,
          invoice: 'new',
          paid_at: null,
        },
      ]
      for (const o of orders) {
        await sql`insert into orders (id, shop_id, livemode, status, customer_id, customer_email, currency, total_cents, page_token, provider, chain, asset,
          amount_due, amount_received, invoice_status, expires_at, created_at, updated_at, paid_at)
          values (${o.id}, ${shop}, 0, ${o.status}, 'cus_01J2PVQR41XKZ0Q6V1H8D3M9TE', 'b@example.com', ${o.currency}, ${o.total}, ${o.id}, 'sandbox', 'tron', 'USDT',
          '1000000', '1000000', ${o.invoice}, 2000, 500, 3000, ${o.paid_at})`.execute(db)
      }

      // Every migration after 0003 runs (the webhooks one and the money one among them).
      assert.deepEqual(await migrateToLatest(db, box), Object.keys(migrations(box)).slice(3))
      assert.deepEqual(await checkLedger(db), { balances: 2, differences: [] })
      const entries = await db
        .selectFrom('ledger_entries')
        .select(['id', 'source_id', 'amount_cents', 'currency'])
        .orderBy('source_id')
        .execute()
      assert.deepEqual(
        entries.map((e) => [e.id, e.source_id, Number(e.amount_cents), e.currency]),
        [
          ['le_01J2PVQR41XKZ0Q6V1H8D3M9T1', orders[0]!.id, 12900, 'USD'],
          ['le_01J2PVQR41XKZ0Q6V1H8D3M9T2', orders[1]!.id, 4900, 'EUR'],
        ],
      )
      const late = await db
        .selectFrom('orders')
        .select(['paid_at', 'refunded_cents'])
        .where('id', '=', orders[1]!.id)
        .executeTakeFirstOrThrow()
      assert.deepEqual(
        [Number(late.paid_at), Number(late.refunded_cents)],
        [3000, 0],
        'the late payment counts as paid (at its last update)',
      )
      const accounts = await db
        .selectFrom('ledger_accounts')
        .select(['currency', 'created_at'])
        .orderBy('currency')
        .execute()
      assert.deepEqual(
        accounts.map((a) => [a.currency, Number(a.created_at)]),
        [
          ['EUR', 3000],
          ['USD', 1000],
        ],
      )
    })
  })
}
