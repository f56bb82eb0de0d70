// The read path's cost and safety, counted where it matters: on the wire to PostgreSQL (through a
// proxy that reads the protocol). A cached list is one round trip with nothing parsed; the cache
// off reads no version; a key revoked while a lookup is in flight stops the next request; a read
// on a dead connection runs again, a write never does; a schema change does not break a named list.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { sha256Hex } from '../src/platform/crypto.ts'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { startPgWireProxy, type PgWireProxy } from './pg-wire.ts'
import { waitFor } from './processes.ts'

type Minted = { id: string; secret: string }

for (const dialect of DIALECTS) {
  describe(`${dialect}: the read path`, () => {
    let env: TestEnv
    // PostgreSQL: a proxy reading the wire between the database and the instances tests spawn on it.
    let proxy: PgWireProxy | null = null
    before(async () => {
      env = await startTestEnv(dialect)
      if (dialect === 'postgres') proxy = await startPgWireProxy(env.dbUrl)
    })
    after(async () => {
      await env.close()
      await proxy?.close()
    })

    it('shares a key lookup among requests that arrive before it is sent (PostgreSQL), and only those', async () => {
      const shop = await env.newShop()
      const owner = client(env.app, shop.keys.test)
      const key: Minted = (await owner.post('/v1/api-keys', { name: 'reader', abilities: ['products:read'] })).json()
      const hash = sha256Hex(key.secret)
      // Ten lookups in one tick: none has its connection yet, so on PostgreSQL they are one lookup.
      const together = await Promise.all(Array.from({ length: 10 }, () => env.services.findKey(hash)))
      assert.ok(together.every((match) => match?.auth.actor.id === key.id))
      assert.equal(new Set(together).size, dialect === 'postgres' ? 1 : 10)
      // Once a lookup is done, the next one is a new lookup: a revocation in between shows.
      assert.equal((await owner.delete(`/v1/api-keys/${key.id}`)).statusCode, 200)
      assert.equal(await env.services.findKey(hash), null)
      problem(await client(env.app, key.secret).get('/v1/products'), 401, 'unauthenticated')
    })

    if (dialect !== 'postgres') return

    describe('on the wire', () => {
      const proxied = async (extra: Record<string, string> = {}) =>
        (await env.spawnApp({ DATABASE_URL: wire().url, SX_WORKER: 'off', ...extra })).app
      const wire = () => proxy!

      it('answers a cached list or product in one round trip, parsing nothing', async () => {
        const shop = await env.newShop()
        const product = (await client(env.app, shop.keys.test).post('/v1/products', sampleProduct())).json()
        const api = client(await proxied(), shop.keys.test)
        const paths = ['/v1/products', '/v1/products?limit=3', `/v1/products/${product.id}`]
        for (const path of paths) assert.equal((await api.get(path)).statusCode, 200)
        wire().reset()
        for (let i = 0; i < 10; i++) for (const path of paths) assert.equal((await api.get(path)).statusCode, 200)
        assert.equal(wire().roundTrips(), 10 * paths.length, 'one statement per cached answer')
        assert.deepEqual(wire().parsed(), [], 'named statements: nothing parsed again')

        // A write on another instance: the next list is a miss (key + version, then the list), then a hit again.
        await client(env.app, shop.keys.test).patch(`/v1/products/${product.id}`, { name: 'Renamed' })
        wire().reset()
        assert.equal((await api.get('/v1/products')).json().data[0].name, 'Renamed')
        assert.equal((await api.get('/v1/products')).json().data[0].name, 'Renamed')
        assert.equal(wire().roundTrips(), 3)
      })

      it('reads no catalog version with the cache off', async () => {
        const shop = await env.newShop()
        await client(env.app, shop.keys.test).post('/v1/products', sampleProduct())
        wire().reset()
        const api = client(await proxied({ READ_CACHE_ENTRIES: '0' }), shop.keys.test)
        for (let i = 0; i < 5; i++) assert.equal((await api.get('/v1/products')).json().data.length, 1)
        assert.equal(wire().roundTrips(), 10, 'the key, then the list')
        assert.ok(
          wire().parsed().length > 0 &&
            !wire()
              .parsed()
              .some((sql) => sql.includes('catalog_versions')),
        )
      })

      it('refuses a key revoked while a lookup of it was in flight', async () => {
        const shop = await env.newShop()
        const owner = client(env.app, shop.keys.test)
        const key: Minted = (await owner.post('/v1/api-keys', { name: 'doomed', abilities: ['products:read'] })).json()
        const api = client(await proxied(), key.secret)
        assert.equal((await api.get('/v1/products')).statusCode, 200)
        // The first lookup reaches the server before the revocation; its answer is held back.
        wire().reset()
        wire().hold()
        const first = api.get('/v1/products')
        await waitFor(() => wire().roundTrips() === 1, 'the first lookup to reach the server')
        assert.equal((await owner.delete(`/v1/api-keys/${key.id}`)).statusCode, 200)
        const second = api.get('/v1/products')
        await waitFor(() => wire().roundTrips() === 2, 'the second request to send its own lookup')
        wire().release()
        assert.equal((await first).statusCode, 200, 'read before the revocation')
        problem(await second, 401, 'unauthenticated')
      })

      it('runs a read again when its connection dies, never a write', async () => {
        const shop = await env.newShop()
        const api = client(await proxied(), shop.keys.test)
        assert.equal((await api.get('/v1/products')).statusCode, 200)
        wire().cutWhen(() => true)
        assert.equal((await api.get('/v1/products')).statusCode, 200, 'the key lookup ran again')
        assert.equal(wire().cuts(), 1)

        wire().cutWhen((sql) => /^\s*(begin|insert)/i.test(sql))
        const refused = await api.post('/v1/products', sampleProduct())
        assert.equal(refused.statusCode, 503)
        assert.equal(wire().cuts(), 2)
        assert.equal((await client(env.app, shop.keys.test).get('/v1/products')).json().data.length, 0, 'not run again')
      })

      // Last: it changes the products table of this describe's database.
      it('parses a named list again after a schema change alters its columns', async () => {
        const shop = await env.newShop()
        const product = (await client(env.app, shop.keys.test).post('/v1/products', sampleProduct())).json()
        const api = client(await proxied(), shop.keys.test)
        assert.equal((await api.get('/v1/products')).statusCode, 200)
        const admin = new pg.Client({ connectionString: env.dbUrl })
        await admin.connect()
        await admin.query('alter table products add column read_path_test text')
        await admin.end()
        await client(env.app, shop.keys.test).patch(`/v1/products/${product.id}`, { name: 'After' })
        wire().reset()
        const list = await api.get('/v1/products')
        assert.equal(list.statusCode, 200)
        assert.equal(list.json().data[0].name, 'After')
        assert.equal(
          wire()
            .parsed()
            .filter((sql) => sql.includes('from "products"')).length,
          1,
          'parsed once more',
        )
      })
    })
  })
}
