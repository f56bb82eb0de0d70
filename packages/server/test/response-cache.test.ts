// Cached GET answers are never stale: every catalog write, on any instance, moves the version the
// cache checks, so readers see their own and others' writes at once.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: cached reads`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    it('reflects every kind of write at once, on this instance and another', async () => {
      const shop = await env.newShop()
      const a = client(env.app, shop.keys.test)
      const b = client((await env.spawnApp()).app, shop.keys.test)
      const product = (await a.post('/v1/products', sampleProduct())).json()
      const stockOf = async (api: typeof a) => {
        const list = (await api.get('/v1/products')).json()
        const one = (await api.get(`/v1/products/${product.id}`)).json()
        const listed = list.data.find((p: { id: string }) => p.id === product.id)
        assert.deepEqual(listed, one, 'the list and the product agree')
        return { stock: one.stock, name: one.name, count: list.data.length }
      }
      // Before each write both instances have the current answer cached; the write goes through
      // one of them and the read through the other.
      const warmBoth = async () => {
        await stockOf(a)
        await stockOf(b)
      }
      await warmBoth()
      assert.deepEqual(await stockOf(b), { stock: 0, name: 'Adobe Creative Cloud Key', count: 1 })
      await b.post(`/v1/products/${product.id}/stock`, { items: ['K1', 'K2'] })
      assert.deepEqual(await stockOf(a), { stock: 2, name: 'Adobe Creative Cloud Key', count: 1 })
      await warmBoth()
      await a.patch(`/v1/products/${product.id}`, { name: 'Renamed' })
      assert.deepEqual(await stockOf(b), { stock: 2, name: 'Renamed', count: 1 })
      await warmBoth()
      await b.post('/v1/products', sampleProduct({ name: 'Second' }))
      assert.equal((await a.get('/v1/products')).json().data.length, 2)
      await warmBoth()
      await a.delete(`/v1/products/${product.id}`)
      assert.equal((await b.get(`/v1/products/${product.id}`)).json().status, 'archived')
    })

    it('keeps shops and modes apart and never stores a HEAD or an error', async () => {
      const shop = await env.newShop()
      const other = await env.newShop()
      const test = client(env.app, shop.keys.test)
      await test.post('/v1/products', sampleProduct())
      assert.equal((await test.get('/v1/products')).json().data.length, 1)
      assert.equal((await client(env.app, shop.keys.live).get('/v1/products')).json().data.length, 0)
      assert.equal((await client(env.app, other.keys.test).get('/v1/products')).json().data.length, 0)

      const head = await test.send('HEAD' as never, '/v1/products?limit=3')
      assert.equal(head.statusCode, 200)
      const get = await test.get('/v1/products?limit=3')
      assert.equal(get.json().data.length, 1, 'a HEAD did not leave an empty body behind')
      assert.equal((await test.get('/v1/products?cursor=garbage')).statusCode, 422)
      assert.equal((await test.get('/v1/products?cursor=garbage')).statusCode, 422)
    })
  })
}
