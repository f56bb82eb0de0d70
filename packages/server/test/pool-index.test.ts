// A key pool with most of its keys sold: reservation and the available count read the partial
// index of available items (migration 0008) on both dialects, so sold keys cost a checkout
// nothing; checkout takes the oldest available key. 100k items, 90 % sold, planted directly.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { CompiledQuery } from 'kysely'
import { sql } from 'kysely'
import type { Db, Dialect } from '../src/db/database.ts'
import { sealedStockItem } from '../src/modules/catalog/stock.service.ts'
import { availableItems, reservePoolItemsQuery } from '../src/modules/catalog/reservations.repository.ts'
import { newId } from '../src/platform/ids.ts'
import { DIALECTS, client, present, startTestEnv, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct, order, settle } from './orders-helpers.ts'

const ITEMS = 100_000
const SOLD = 90_000
const BATCH = 1000

/** The plan of one statement as text lines: SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's EXPLAIN. */
async function plan(db: Db, dialect: Dialect, query: CompiledQuery): Promise<string[]> {
  const explain = dialect === 'sqlite' ? 'explain query plan ' : 'explain '
  const { rows } = await db.executeQuery<Record<string, string>>({ ...query, sql: explain + query.sql })
  return rows.map((row) => (dialect === 'sqlite' ? row.detail! : row['QUERY PLAN']!))
}

function assertReadsIndex(lines: string[], what: string): void {
  const text = lines.join('\n')
  assert.match(text, /stock_items_available/, `${what} reads the partial index:\n${text}`)
  assert.doesNotMatch(text, /Seq Scan on stock_items|\bSCAN stock_items\b/, `${what}: no full scan:\n${text}`)
  assert.doesNotMatch(text, /TEMP B-TREE|Sort/, `${what}: the index gives the take order, nothing is sorted:\n${text}`)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: a key pool with 90 % sold`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS)
    })
    after(() => env.close())

    it('reserves and counts through the partial index, and sells the oldest available key', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, { name: 'Big pool' })
      const scope = { shopId: shop.shop.id, livemode: false }
      const box = env.services.secretBox
      const db = env.services.db
      // Sold keys first (the oldest), then the available ones inserted newest first: ids then run
      // against age, so a checkout taking by id instead of by age would take the wrong key.
      const start = Date.now() - 10 * ITEMS
      for (let from = 0; from < ITEMS; from += BATCH) {
        const rows = []
        for (let i = from; i < from + BATCH; i++) {
          const sold = i < SOLD
          const age = sold ? i : SOLD + (ITEMS - 1 - i)
          // Only available keys can be delivered: those are sealed as an import stores them.
          const item = sold
            ? { value: `sold-${i}`, value_hash: `sold-${i}` }
            : sealedStockItem(box, scope, product, `KEY-${String(age).padStart(6, '0')}`, 0)
          rows.push({
            ...item,
            id: newId('stockItem'),
            shop_id: scope.shopId,
            livemode: 0,
            product_id: product,
            status: sold ? 'sold' : 'available',
            order_id: sold ? `ord_planted${i}` : null,
            created_at: start + age,
          })
        }
        await db.insertInto('stock_items').values(rows).execute()
      }
      await sql`analyze stock_items`.execute(db)

      const reserve = reservePoolItemsQuery(db, dialect, product, newId('order'), 1).compile()
      assertReadsIndex(await plan(db, dialect, reserve), 'the reservation')
      const count = availableItems(db, product)
        .select((eb) => eb.fn.countAll().as('n'))
        .compile()
      assertReadsIndex(await plan(db, dialect, count), 'the available count')

      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, ITEMS - SOLD)
      const first = await order(api, [{ product_id: product, qty: 2 }])
      await api.post(`/v1/test_helpers/orders/${first.id}/pay`, {})
      const done = await settle(api, first.id)
      assert.equal(done.status, 'completed')
      assert.deepEqual(
        done.delivery.items.map((item) => present(item.value, 'a delivered key')),
        [`KEY-0${SOLD}`, `KEY-0${SOLD + 1}`],
        'the two oldest available keys',
      )
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, ITEMS - SOLD - 2)
    })
  })
}
