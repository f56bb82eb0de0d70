// Stock import (API.md "Products"): counting, trimming and duplicates, validation that writes
// nothing, the 100,000-item ceiling, and concurrent imports of overlapping items.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  DIALECTS,
  client,
  failInserts,
  listen,
  problem,
  sampleProduct,
  startTestEnv,
  type Client,
  type TestEnv,
} from './harness.ts'

const NO_LIMITS = { RATE_LIMIT_WRITES: '100000', RATE_LIMIT_READS: '100000' }

for (const dialect of DIALECTS) {
  describe(`${dialect}: stock import`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS)
    })
    after(() => env.close())

    const newPool = async (api: Client, type = 'license_key') => {
      const res = await api.post('/v1/products', sampleProduct({ type }))
      assert.equal(res.statusCode, 201)
      return res.json().id as string
    }
    // Stored sealed: opened here with the app's own secret box.
    const poolValues = async (productId: string) =>
      (await env.services.db.selectFrom('stock_items').select('value').where('product_id', '=', productId).execute())
        .map((r) => env.services.secretBox.open(r.value))
        .sort()
    const stockRows = async (shopId: string) =>
      Number(
        (
          await env.services.db
            .selectFrom('stock_items')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('shop_id', '=', shopId)
            .executeTakeFirstOrThrow()
        ).n,
      )
    const eventCount = async (shopId: string) =>
      Number(
        (
          await env.services.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('shop_id', '=', shopId)
            .executeTakeFirstOrThrow()
        ).n,
      )

    it('imports trimmed items and counts repeats and items already pooled as duplicates', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      for (const type of ['license_key', 'account']) {
        const id = await newPool(api, type)
        const first = await api.post(`/v1/products/${id}/stock`, {
          items: ['A', ' B ', 'A', ' A ', '\tC\n', 'x'.repeat(4096)],
        })
        assert.equal(first.statusCode, 201)
        assert.deepEqual(first.json(), { imported: 4, duplicates: 2, stock_after: 4 })
        const second = await api.post(`/v1/products/${id}/stock`, { items: ['B', 'D', ' D', 'a'] })
        assert.deepEqual(second.json(), { imported: 2, duplicates: 2, stock_after: 6 }, 'items are case-sensitive')
        assert.equal((await api.get(`/v1/products/${id}`)).json().stock, 6)
        assert.deepEqual(await poolValues(id), ['A', 'B', 'C', 'D', 'a', 'x'.repeat(4096)], 'values are stored trimmed')
        const again = await api.post(`/v1/products/${id}/stock`, { items: ['A', 'B'] })
        assert.deepEqual(again.json(), { imported: 0, duplicates: 2, stock_after: 6 })
      }
      // Pools are per product: the same item may sit in two products.
      const other = await newPool(api)
      assert.deepEqual((await api.post(`/v1/products/${other}/stock`, { items: ['A'] })).json(), {
        imported: 1,
        duplicates: 0,
        stock_after: 1,
      })
    })

    it('refuses invalid imports and writes nothing', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const id = await newPool(api)
      await api.post(`/v1/products/${id}/stock`, { items: ['SEED'] })
      const rowsBefore = await stockRows(shop.shop.id)
      const eventsBefore = await eventCount(shop.shop.id)
      const valid = Array.from({ length: 2500 }, (_, i) => `KEY-${i}`)

      const refusals: [unknown, string][] = [
        [{ items: ['ok', '   '] }, 'items.1'],
        [{ items: ['ok', ''] }, 'items.1'],
        [{ items: [...valid.slice(0, 1500), ' \t ', ...valid.slice(1500)] }, 'items.1500'],
        [{ items: ['ok', 'x'.repeat(4097)] }, 'items.1'],
        [{ items: [] }, 'items'],
        [{ items: Array.from({ length: 100_001 }, (_, i) => `K${i}`) }, 'items'],
        [{ items: ['ok', 7] }, 'items.1'],
        [{ items: ['ok'], extra: true }, 'extra'],
      ]
      for (const [body, field] of refusals) {
        const res = await api.post(`/v1/products/${id}/stock`, body)
        assert.ok(problem(res, 422, 'unprocessable').errors?.[field], `${field}: ${res.body.slice(0, 300)}`)
      }
      assert.ok(problem(await api.post(`/v1/products/${id}/stock`, {}), 400, 'invalid_request').errors?.items)
      problem(await api.post('/v1/products/prod_00000000000000000000000000/stock', { items: ['A'] }), 404, 'not_found')
      const foreign = await newPool(client(env.app, (await env.newShop()).keys.test))
      problem(await api.post(`/v1/products/${foreign}/stock`, { items: ['A'] }), 404, 'not_found')
      problem(
        await client(env.app, shop.keys.live).post(`/v1/products/${id}/stock`, { items: ['B'] }),
        404,
        'not_found',
      )
      assert.deepEqual((await api.post(`/v1/products/${id}/stock`, { items: ['A'] })).json(), {
        imported: 1,
        duplicates: 0,
        stock_after: 2,
      })
      for (const type of ['physical', 'file_download', 'dynamic', 'subscription']) {
        const counter = await newPool(api, type)
        assert.ok(
          problem(await api.post(`/v1/products/${counter}/stock`, { items: ['A'] }), 422, 'unprocessable').errors
            ?.items,
          type,
        )
      }
      // The one successful import above ('A') is the only change.
      assert.equal(await stockRows(shop.shop.id), rowsBefore + 1)
      assert.equal(await eventCount(shop.shop.id), eventsBefore + 1 + 4, 'one import event, four product.created')
      assert.deepEqual(await poolValues(id), ['A', 'SEED'])
    })

    it('rolls back a whole multi-batch import when it fails at the end', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const id = await newPool(api)
      // The product.updated event is written after every item batch, so this fails the import late.
      const fault = await failInserts(env, 'events', shop.shop.id)
      try {
        const items = Array.from({ length: 2500 }, (_, i) => `ROLLBACK-${i}`)
        problem(await api.post(`/v1/products/${id}/stock`, { items }), 500, 'server_error')
      } finally {
        await fault.disarm()
      }
      assert.equal(await stockRows(shop.shop.id), 0)
      assert.equal((await api.get(`/v1/products/${id}`)).json().stock, 0)
    })

    it('accepts 100,000 items in one request', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const id = await newPool(api)
      const items = Array.from({ length: 100_000 }, (_, i) => `XXXX-${String(i).padStart(6, '0')}-YYYY-ZZZZ`)
      const started = performance.now()
      const res = await api.post(`/v1/products/${id}/stock`, { items })
      const ms = Math.round(performance.now() - started)
      assert.equal(res.statusCode, 201, res.body.slice(0, 300))
      assert.deepEqual(res.json(), { imported: 100_000, duplicates: 0, stock_after: 100_000 })
      assert.equal((await api.get(`/v1/products/${id}`)).json().stock, 100_000)
      assert.equal(await stockRows(shop.shop.id), 100_000)
      console.log(`${dialect}: imported 100,000 items in ${ms} ms`)
    })

    it('keeps the pool exact under concurrent imports of overlapping items', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const base = await listen(env.app)
      const headers = { authorization: `Bearer ${shop.keys.test}`, 'content-type': 'application/json' }
      for (let round = 0; round < 3; round++) {
        const id = await newPool(api)
        const shared = Array.from({ length: 5000 }, (_, i) => `R${round}-${i.toString(36).padStart(4, '0')}`)
        // Random draws (with repeats) from the shared set; some padded, which must fold into the same item.
        const bodies = Array.from({ length: 8 }, () =>
          Array.from({ length: 2000 }, () => {
            const value = shared[Math.floor(Math.random() * shared.length)]!
            return Math.random() < 0.1 ? `  ${value} ` : value
          }),
        )
        const distinct = new Set(bodies.flat().map((v) => v.trim())).size
        const results = await Promise.all(
          bodies.map(async (items) => {
            const res = await fetch(`${base}/v1/products/${id}/stock`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ items }),
            })
            return { status: res.status, body: await res.json() }
          }),
        )
        for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body))
        assert.equal(
          results.reduce((sum, r) => sum + r.body.imported, 0),
          distinct,
          `round ${round}: every distinct item imported once`,
        )
        for (const r of results) {
          assert.equal(r.body.imported + r.body.duplicates, 2000)
          assert.ok(r.body.stock_after >= r.body.imported && r.body.stock_after <= distinct)
        }
        assert.equal((await api.get(`/v1/products/${id}`)).json().stock, distinct)
        const repeated = await env.services.db
          .selectFrom('stock_items')
          .select(['value_hash', (eb) => eb.fn.countAll<number>().as('n')])
          .where('product_id', '=', id)
          .groupBy('value_hash')
          .having((eb) => eb.fn.countAll(), '>', 1)
          .execute()
        assert.deepEqual(repeated, [], 'no value is pooled twice')
        const values = await poolValues(id)
        assert.equal(new Set(values).size, distinct, 'and no value hides twice under two digests')
      }
    })
  })
}
