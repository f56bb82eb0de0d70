import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: products`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    it('creates, reads, patches and archives a product, writing one event per change', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)

      const created = await api.post('/v1/products', sampleProduct({ description: '**Great**' }))
      assert.equal(created.statusCode, 201)
      const product = created.json()
      assert.match(product.id, /^prod_[0-9A-HJKMNP-TV-Z]{26}$/)
      assert.deepEqual(
        { ...product, id: undefined, created_at: undefined, updated_at: undefined },
        {
          id: undefined,
          name: 'Adobe Creative Cloud Key',
          slug: 'adobe-creative-cloud-key',
          type: 'license_key',
          price_cents: 12900,
          currency: 'USD',
          description: '**Great**',
          stock: 0,
          status: 'active',
          livemode: false,
          dynamic_url: null,
          interval: null,
          file: null,
          image_url: null,
          created_at: undefined,
          updated_at: undefined,
        },
      )
      assert.match(product.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)

      const fetched = await api.get(`/v1/products/${product.id}`)
      assert.equal(fetched.statusCode, 200)
      assert.deepEqual(fetched.json(), product)

      const patched = await api.patch(`/v1/products/${product.id}`, { price_cents: 9900 })
      assert.equal(patched.statusCode, 200)
      assert.deepEqual(Object.keys(patched.json()).sort(), ['id', 'price_cents', 'updated_at'])
      assert.equal(patched.json().price_cents, 9900)

      const deleted = await api.delete(`/v1/products/${product.id}`)
      assert.equal(deleted.statusCode, 200)
      assert.equal(deleted.json().deleted, true)
      const again = await api.delete(`/v1/products/${product.id}`)
      assert.equal(again.json().archived_at, deleted.json().archived_at, 'archiving twice keeps the first archived_at')
      assert.equal((await api.get(`/v1/products/${product.id}`)).json().status, 'archived')

      const events = await env.services.db
        .selectFrom('events')
        .select(['type', 'data'])
        .where('shop_id', '=', shop.shop.id)
        .orderBy('id')
        .execute()
      assert.deepEqual(
        events.map((e) => e.type),
        ['product.created', 'product.updated', 'product.deleted'],
      )
      assert.equal(JSON.parse(env.services.secretBox.open(events[1]!.data)).price_cents, 9900)
    })

    it('derives unique slugs per shop and mode', async () => {
      const shop = await env.newShop()
      const test = client(env.app, shop.keys.test)
      const live = client(env.app, shop.keys.live)
      const slugs = []
      for (const api of [test, test, test, live])
        slugs.push((await api.post('/v1/products', sampleProduct({ name: 'Crème Brûlée Key!' }))).json().slug)
      assert.deepEqual(slugs, ['creme-brulee-key', 'creme-brulee-key-2', 'creme-brulee-key-3', 'creme-brulee-key'])
    })

    it('keeps pool stock derived from the pool and counters settable only where they belong', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const refused = problem(await api.post('/v1/products', sampleProduct({ stock: 5 })), 422, 'unprocessable')
      assert.ok(refused.errors?.stock)
      const physical = (await api.post('/v1/products', sampleProduct({ type: 'physical', stock: 7 }))).json()
      assert.equal(physical.stock, 7)
      const unlimited = (await api.post('/v1/products', sampleProduct({ type: 'file_download' }))).json()
      assert.equal(unlimited.stock, null)
      assert.equal((await api.patch(`/v1/products/${physical.id}`, { stock: 3 })).json().stock, 3)
      const pool = (await api.post('/v1/products', sampleProduct())).json()
      problem(await api.patch(`/v1/products/${pool.id}`, { stock: 3 }), 422, 'unprocessable')
    })

    it('filters the list by status and type', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      await api.post('/v1/products', sampleProduct({ status: 'draft' }))
      await api.post('/v1/products', sampleProduct({ type: 'account' }))
      await api.post('/v1/products', sampleProduct({ type: 'physical' }))
      const drafts = (await api.get('/v1/products?status=draft')).json()
      assert.deepEqual(
        drafts.data.map((p: { status: string }) => p.status),
        ['draft'],
      )
      const accounts = (await api.get('/v1/products?type=account')).json()
      assert.deepEqual(
        accounts.data.map((p: { type: string }) => p.type),
        ['account'],
      )
      const all = (await api.get('/v1/products')).json()
      assert.equal(all.data.length, 3)
      assert.deepEqual(Object.keys(all).sort(), ['data', 'has_more', 'next_cursor', 'object'])
      problem(await api.get('/v1/products?status=deleted'), 422, 'unprocessable')
    })

    it('rejects bad input with field errors and writes nothing', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const cases: [Record<string, unknown>, number, string, string][] = [
        [sampleProduct({ price_cents: -1 }), 422, 'unprocessable', 'price_cents'],
        [sampleProduct({ price_cents: '100' }), 422, 'unprocessable', 'price_cents'],
        [sampleProduct({ price_cents: 1.5 }), 422, 'unprocessable', 'price_cents'],
        [sampleProduct({ currency: 'usd' }), 422, 'unprocessable', 'currency'],
        [sampleProduct({ currency: 'XYZ' }), 422, 'unprocessable', 'currency'],
        [sampleProduct({ type: 'nft' }), 422, 'unprocessable', 'type'],
        [sampleProduct({ name: '' }), 422, 'unprocessable', 'name'],
        [sampleProduct({ name: '   ' }), 422, 'unprocessable', 'name'],
        [sampleProduct({ name: 'x'.repeat(201) }), 422, 'unprocessable', 'name'],
        [sampleProduct({ ammount: 5 }), 422, 'unprocessable', 'ammount'],
        [{ name: 'No price', type: 'license_key', currency: 'USD' }, 400, 'invalid_request', 'price_cents'],
      ]
      for (const [body, status, type, field] of cases) {
        const body422 = problem(await api.post('/v1/products', body), status, type)
        assert.ok(body422.errors?.[field], `${JSON.stringify(body)} → errors.${field} in ${JSON.stringify(body422)}`)
      }
      problem(await api.patch('/v1/products/prod_01J2PVQR41XKZ0Q6V1H8D3M9TE', { name: 'Ghost' }), 404, 'not_found')
      const product = (await api.post('/v1/products', sampleProduct())).json()
      problem(await api.patch(`/v1/products/${product.id}`, {}), 422, 'unprocessable')
      problem(await api.patch(`/v1/products/${product.id}`, { slug: 'x' }), 422, 'unprocessable')
      const count = await env.services.db
        .selectFrom('products')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('shop_id', '=', shop.shop.id)
        .executeTakeFirstOrThrow()
      assert.equal(Number(count.n), 1)
    })

    it("answers 404 for another shop's and the other mode's products", async () => {
      const a = await env.newShop()
      const b = await env.newShop()
      const product = (await client(env.app, a.keys.test).post('/v1/products', sampleProduct())).json()
      for (const secret of [b.keys.test, a.keys.live]) {
        const api = client(env.app, secret)
        problem(await api.get(`/v1/products/${product.id}`), 404, 'not_found')
        problem(await api.patch(`/v1/products/${product.id}`, { name: 'Stolen' }), 404, 'not_found')
        problem(await api.delete(`/v1/products/${product.id}`), 404, 'not_found')
        problem(await api.post(`/v1/products/${product.id}/stock`, { items: ['X'] }), 404, 'not_found')
        assert.equal((await api.get('/v1/products')).json().data.length, 0)
      }
      assert.equal(
        (await client(env.app, a.keys.test).get(`/v1/products/${product.id}`)).json().name,
        'Adobe Creative Cloud Key',
      )
    })
  })
}
