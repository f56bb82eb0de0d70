// Idempotency-Key on POST (API.md "Rate limits and idempotency", standards.md §2): replays,
// mismatches, scope, races over real sockets, which outcomes are stored, key syntax and expiry.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { DIALECTS, client, failInserts, listen, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'

const idem = (key: string, extra: Record<string, string> = {}) => ({ 'idempotency-key': key, ...extra })
const freshKey = () => `key-${Math.random().toString(36).slice(2)}`
// Rate limits are someone else's subject; keep them out of the way of the races below.
const NO_LIMITS = { RATE_LIMIT_WRITES: '100000', RATE_LIMIT_READS: '100000' }

/** A replayed problem is the stored one, except that trace_id names the replaying request. */
const withoutTrace = (res: LightMyRequestResponse) => ({ ...res.json(), trace_id: undefined })

for (const dialect of DIALECTS) {
  describe(`${dialect}: idempotency`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS)
    })
    after(() => env.close())

    const countProducts = async (shopId: string, name?: string) => {
      let query = env.services.db
        .selectFrom('products')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('shop_id', '=', shopId)
      if (name) query = query.where('name', '=', name)
      return Number((await query.executeTakeFirstOrThrow()).n)
    }
    const countEvents = async (shopId: string, type: string) =>
      Number(
        (
          await env.services.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('shop_id', '=', shopId)
            .where('type', '=', type)
            .executeTakeFirstOrThrow()
        ).n,
      )
    const keyRow = (shopId: string, key: string) =>
      env.services.db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('shop_id', '=', shopId)
        .where('idem_key', '=', key)
        .executeTakeFirst()

    it('replays the stored answer for the same key and body, with exactly one side effect', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const first = await api.post('/v1/products', sampleProduct(), idem('k1'))
      const second = await api.post('/v1/products', sampleProduct(), idem('k1'))
      assert.equal(first.statusCode, 201)
      assert.equal(first.headers['idempotent-replayed'], undefined)
      assert.equal(second.statusCode, 201)
      assert.equal(second.headers['idempotent-replayed'], 'true')
      assert.equal(second.body, first.body)
      assert.equal(await countProducts(shop.shop.id), 1)
      assert.equal(await countEvents(shop.shop.id, 'product.created'), 1)
    })

    it('ignores key order and whitespace in the body', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const json = { 'content-type': 'application/json' }
      const first = await api.post(
        '/v1/products',
        '{"name":"Key","type":"license_key","price_cents":100,"currency":"USD"}',
        idem('k', json),
      )
      const second = await api.post(
        '/v1/products',
        '{\n  "currency" : "USD",\t"price_cents": 100,\n "type":"license_key", "name": "Key" }\n',
        idem('k', json),
      )
      assert.equal(first.statusCode, 201)
      assert.equal(second.statusCode, 201)
      assert.equal(second.headers['idempotent-replayed'], 'true')
      assert.equal(second.body, first.body)
      assert.equal(await countProducts(shop.shop.id), 1)
    })

    it('refuses the same key with another body or on another path (409), doing nothing', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const pool = (await api.post('/v1/products', sampleProduct({ name: 'Pool' }))).json()
      assert.equal((await api.post('/v1/products', sampleProduct(), idem('k'))).statusCode, 201)
      const other = problem(
        await api.post('/v1/products', sampleProduct({ price_cents: 1 }), idem('k')),
        409,
        'conflict',
      )
      assert.match(other.detail, /different payload/)
      problem(await api.post(`/v1/products/${pool.id}/stock`, { items: ['A'] }, idem('k')), 409, 'conflict')
      assert.equal(await countProducts(shop.shop.id), 2)
      assert.equal((await api.get(`/v1/products/${pool.id}`)).json().stock, 0)
    })

    it('replays a stock import instead of importing again', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const pool = (await api.post('/v1/products', sampleProduct())).json()
      const first = await api.post(`/v1/products/${pool.id}/stock`, { items: ['A', 'B', 'A'] }, idem('import-1'))
      const second = await api.post(`/v1/products/${pool.id}/stock`, { items: ['A', 'B', 'A'] }, idem('import-1'))
      assert.deepEqual(first.json(), { imported: 2, duplicates: 1, stock_after: 2 })
      assert.equal(second.headers['idempotent-replayed'], 'true')
      assert.deepEqual(second.json(), first.json(), 'a re-run would have answered imported: 0')
      assert.equal(await countEvents(shop.shop.id, 'product.updated'), 1)
    })

    it('scopes keys per shop and per mode', async () => {
      const a = await env.newShop()
      const b = await env.newShop()
      const results = []
      for (const secret of [a.keys.test, b.keys.test, a.keys.live]) {
        const res = await client(env.app, secret).post('/v1/products', sampleProduct(), idem('shared'))
        assert.equal(res.statusCode, 201)
        assert.equal(res.headers['idempotent-replayed'], undefined)
        results.push(res.json())
      }
      assert.equal(new Set(results.map((p) => p.id)).size, 3)
      assert.deepEqual(
        results.map((p) => p.livemode),
        [false, false, true],
      )
      assert.equal(await countProducts(a.shop.id), 2)
      assert.equal(await countProducts(b.shop.id), 1)
    })

    it('lets one of 20 simultaneous requests run; the rest replay or get 409 with Retry-After: 1', async () => {
      const shop = await env.newShop()
      const base = await listen(env.app)
      for (let round = 0; round < 10; round++) {
        const name = `Race ${round}`
        const headers = {
          authorization: `Bearer ${shop.keys.test}`,
          'content-type': 'application/json',
          'idempotency-key': freshKey(),
        }
        const body = JSON.stringify(sampleProduct({ name }))
        const responses = await Promise.all(
          Array.from({ length: 20 }, async () => {
            const res = await fetch(`${base}/v1/products`, { method: 'POST', headers, body })
            return {
              status: res.status,
              replayed: res.headers.get('idempotent-replayed'),
              retryAfter: res.headers.get('retry-after'),
              body: await res.json(),
            }
          }),
        )
        const created = responses.filter((r) => r.status === 201)
        const refused = responses.filter((r) => r.status !== 201)
        assert.equal(created.filter((r) => r.replayed === null).length, 1, `round ${round}: exactly one request ran`)
        assert.ok(created.every((r) => r.replayed === null || r.replayed === 'true'))
        assert.equal(new Set(created.map((r) => r.body.id)).size, 1, 'replays carry the one product')
        for (const r of refused) {
          assert.equal(r.status, 409, JSON.stringify(r.body))
          assert.equal(r.body.type, 'conflict')
          assert.equal(r.retryAfter, '1')
        }
        assert.equal(await countProducts(shop.shop.id, name), 1, `round ${round}: one product per key`)
      }
      assert.equal(await countEvents(shop.shop.id, 'product.created'), 10)
    })

    it('stores and replays a 4xx raised by the handler', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      // "XYZ" passes the schema's pattern; the service rejects it as not an ISO-4217 code.
      const first = await api.post('/v1/products', sampleProduct({ currency: 'XYZ' }), idem('bad-currency'))
      assert.ok(problem(first, 422, 'unprocessable').errors?.currency)
      const again = await api.post('/v1/products', sampleProduct({ currency: 'XYZ' }), idem('bad-currency'))
      problem(again, 422, 'unprocessable')
      assert.equal(again.headers['idempotent-replayed'], 'true')
      assert.deepEqual(withoutTrace(again), withoutTrace(first))
      // Stored, so the key is spent: a corrected body under it is another payload.
      problem(await api.post('/v1/products', sampleProduct(), idem('bad-currency')), 409, 'conflict')
      assert.equal(await countProducts(shop.shop.id), 0)
    })

    it('does not store schema-validation errors: the corrected request proceeds under the same key', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      assert.ok(
        problem(
          await api.post('/v1/products', sampleProduct({ price_cents: -1 }), idem('fix-me')),
          422,
          'unprocessable',
        ).errors?.price_cents,
      )
      assert.ok(
        problem(
          await api.post('/v1/products', { ...sampleProduct(), name: undefined }, idem('fix-me')),
          400,
          'invalid_request',
        ).errors?.name,
      )
      assert.equal(await keyRow(shop.shop.id, 'fix-me'), undefined)
      const fixed = await api.post('/v1/products', sampleProduct(), idem('fix-me'))
      assert.equal(fixed.statusCode, 201)
      assert.equal(fixed.headers['idempotent-replayed'], undefined)
      assert.equal(await countProducts(shop.shop.id), 1)
    })

    it('does not store a 5xx: the retry runs again and leaves exactly one side effect', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      // The event insert comes after the product insert in the same transaction, so this fails the
      // request after its business write.
      const fault = await failInserts(env, 'events', shop.shop.id)
      try {
        for (let attempt = 0; attempt < 2; attempt++) {
          problem(await api.post('/v1/products', sampleProduct(), idem('flaky')), 500, 'server_error')
          assert.equal(await keyRow(shop.shop.id, 'flaky'), undefined, 'the key is released')
          assert.equal(await countProducts(shop.shop.id), 0, 'the product insert rolled back')
        }
      } finally {
        await fault.disarm()
      }
      const retried = await api.post('/v1/products', sampleProduct(), idem('flaky'))
      assert.equal(retried.statusCode, 201)
      assert.equal(retried.headers['idempotent-replayed'], undefined)
      const replay = await api.post('/v1/products', sampleProduct(), idem('flaky'))
      assert.equal(replay.headers['idempotent-replayed'], 'true')
      assert.equal(replay.body, retried.body)
      assert.equal(await countProducts(shop.shop.id), 1)
      assert.equal(await countEvents(shop.shop.id, 'product.created'), 1)
    })

    it('accepts 1-255 printable ASCII characters, bare or as a quoted sf-string', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      for (const bad of ['x'.repeat(256), 'has space', 'tab\there', 'caf\u00e9', '', '""']) {
        const body = problem(await api.post('/v1/products', sampleProduct(), idem(bad)), 400, 'invalid_request')
        assert.ok(body.errors?.['Idempotency-Key'], JSON.stringify(bad))
      }
      assert.equal(await countProducts(shop.shop.id), 0)
      assert.equal((await api.post('/v1/products', sampleProduct(), idem('y'.repeat(255)))).statusCode, 201)
      const quoted = await api.post('/v1/products', sampleProduct({ name: 'Quoted' }), idem('"abc"'))
      assert.equal(quoted.statusCode, 201)
      const bare = await api.post('/v1/products', sampleProduct({ name: 'Quoted' }), idem('abc'))
      assert.equal(bare.headers['idempotent-replayed'], 'true', '"abc" and abc are one key')
      assert.equal(bare.body, quoted.body)
      assert.equal(await countProducts(shop.shop.id), 2)
    })

    it('refuses a fresh in-flight claim and takes over a stale one (locked over 60 s ago)', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const first = await api.post('/v1/products', sampleProduct(), idem('crashed'))
      // Rewind the record to "claimed, never finished", as a process that died mid-request leaves it.
      const rewind = (lockedAt: number) =>
        env.services.db
          .updateTable('idempotency_keys')
          .set({
            state: 'in_progress',
            status_code: null,
            response_body: null,
            response_type: null,
            locked_at: lockedAt,
          })
          .where('shop_id', '=', shop.shop.id)
          .where('idem_key', '=', 'crashed')
          .execute()

      await rewind(Date.now() - 50_000)
      const busy = await api.post('/v1/products', sampleProduct(), idem('crashed'))
      const busyBody = problem(busy, 409, 'conflict')
      assert.equal(busy.headers['retry-after'], '1')
      assert.doesNotMatch(busyBody.detail, /different payload/, 'in flight and mismatch read differently')
      assert.equal(await countProducts(shop.shop.id), 1)

      await rewind(Date.now() - 61_000)
      const takeover = await api.post('/v1/products', sampleProduct(), idem('crashed'))
      assert.equal(takeover.statusCode, 201)
      assert.equal(takeover.headers['idempotent-replayed'], undefined)
      assert.notEqual(takeover.json().id, first.json().id)
      const replay = await api.post('/v1/products', sampleProduct(), idem('crashed'))
      assert.equal(replay.body, takeover.body, 'the takeover stored its own answer')
      assert.equal(await countProducts(shop.shop.id), 2)
    })

    it('keeps a record for 24 hours; after that the key counts as new', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const first = await api.post('/v1/products', sampleProduct(), idem('old'))
      const age = (ms: number) =>
        env.services.db
          .updateTable('idempotency_keys')
          .set({ created_at: Date.now() - ms })
          .where('shop_id', '=', shop.shop.id)
          .where('idem_key', '=', 'old')
          .execute()
      const DAY = 24 * 60 * 60 * 1000

      await age(DAY - 60_000)
      const young = await api.post('/v1/products', sampleProduct(), idem('old'))
      assert.equal(young.headers['idempotent-replayed'], 'true')
      assert.equal(young.body, first.body)

      await age(DAY + 1000)
      const renewed = await api.post('/v1/products', sampleProduct(), idem('old'))
      assert.equal(renewed.statusCode, 201)
      assert.equal(renewed.headers['idempotent-replayed'], undefined)
      assert.notEqual(renewed.json().id, first.json().id)
      assert.equal((await api.post('/v1/products', sampleProduct(), idem('old'))).body, renewed.body)
      assert.equal(await countProducts(shop.shop.id), 2)
    })
  })

  describe(`${dialect}: idempotency before the claim`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { RATE_LIMIT_WRITES: '1' })
    })
    after(() => env.close())

    it('stores nothing for 401 and 429 answers', async () => {
      const shop = await env.newShop()
      const rows = () =>
        env.services.db.selectFrom('idempotency_keys').select('idem_key').where('shop_id', '=', shop.shop.id).execute()
      problem(
        await client(env.app, 'sx_test_' + 'x'.repeat(32)).post('/v1/products', sampleProduct(), idem('k401')),
        401,
        'unauthenticated',
      )
      const api = client(env.app, shop.keys.test)
      assert.equal((await api.post('/v1/products', sampleProduct(), idem('spent'))).statusCode, 201)
      problem(await api.post('/v1/products', sampleProduct(), idem('limited')), 429, 'rate_limited')
      assert.deepEqual(
        (await rows()).map((r) => r.idem_key),
        ['spent'],
      )
      // A second instance has a budget of its own (no Redis): the limited key now runs, not replays.
      const other = await env.spawnApp()
      const retried = await client(other.app, shop.keys.test).post('/v1/products', sampleProduct(), idem('limited'))
      assert.equal(retried.statusCode, 201)
      assert.equal(retried.headers['idempotent-replayed'], undefined)
    })
  })
}
