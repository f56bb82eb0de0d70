// Per-key budgets (API.md "Rate limits and idempotency", standards.md §3): reads and writes apart,
// the IETF draft RateLimit / RateLimit-Policy fields (parsed as RFC 9651 lists, not by regex),
// 429 with Retry-After, budgets shared through Redis, and a 503 when Redis is down or silent.
import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { parseList } from 'structured-headers'
import { DIALECTS, REDIS_URL, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { waitFor } from './processes.ts'

type Budget = { name: unknown; params: Record<string, unknown> }

/** The one list member of a RateLimit or RateLimit-Policy field, parsed per RFC 9651. */
function member(response: LightMyRequestResponse, field: 'ratelimit' | 'ratelimit-policy'): Budget {
  const raw = response.headers[field]
  assert.equal(typeof raw, 'string', `${field} missing on ${response.statusCode} ${response.body}`)
  const list = parseList(raw as string)
  assert.equal(list.length, 1, `${field}: ${raw}`)
  const [name, params] = list[0]!
  return { name, params: Object.fromEntries(params) }
}

/** Asserts the policy and returns the remaining quota `r` and reset `t` of the budget spent. */
function spent(response: LightMyRequestResponse, budget: 'reads' | 'writes', quota: number, window = 60) {
  assert.deepEqual(member(response, 'ratelimit-policy'), { name: budget, params: { q: quota, w: window } })
  const state = member(response, 'ratelimit')
  assert.equal(state.name, budget)
  assert.deepEqual(Object.keys(state.params).sort(), ['r', 't'])
  const { r, t } = state.params as { r: number; t: number }
  assert.ok(Number.isInteger(r) && r >= 0 && r < quota, `r=${r}`)
  assert.ok(Number.isInteger(t) && t >= 0 && t <= window, `t=${t}`)
  return { r, t }
}

/** A 429 on `budget`: r=0 and a Retry-After of whole seconds, 1..window and never before `t`. */
function limited(response: LightMyRequestResponse, budget: 'reads' | 'writes', quota: number, window = 60) {
  problem(response, 429, 'rate_limited')
  const { r, t } = spent(response, budget, quota, window)
  assert.equal(r, 0)
  const retryAfter = String(response.headers['retry-after'])
  assert.match(retryAfter, /^\d+$/)
  assert.ok(Number(retryAfter) >= Math.max(1, t) && Number(retryAfter) <= window, `Retry-After ${retryAfter}, t=${t}`)
  return Number(retryAfter)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: rate limits`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    it('allows 120 writes per key per minute, counting down, then 429 (real defaults)', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const created = await api.post('/v1/products', sampleProduct({ type: 'physical', stock: 0 }))
      assert.equal(created.statusCode, 201)
      assert.equal(spent(created, 'writes', 120).r, 119)
      const id = created.json().id
      for (let i = 1; i < 120; i++) {
        const patched = await api.patch(`/v1/products/${id}`, { stock: i })
        assert.equal(patched.statusCode, 200, patched.body)
        assert.equal(spent(patched, 'writes', 120).r, 119 - i)
      }
      limited(await api.patch(`/v1/products/${id}`, { stock: 5000 }), 'writes', 120)
      limited(await api.post('/v1/products', sampleProduct()), 'writes', 120)
      limited(await api.delete(`/v1/products/${id}`), 'writes', 120)

      // Reads have their own budget; the refused writes changed nothing.
      const read = await api.get(`/v1/products/${id}`)
      assert.equal(read.statusCode, 200)
      assert.equal(spent(read, 'reads', 600).r, 599)
      assert.deepEqual([read.json().stock, read.json().status], [119, 'active'])
      // Another key, even of the same shop, is unaffected.
      const live = await client(env.app, shop.keys.live).post('/v1/products', sampleProduct())
      assert.equal(live.statusCode, 201)
      assert.equal(spent(live, 'writes', 120).r, 119)
    })

    it('allows 600 reads per key per minute apart from writes, then 429 (real defaults)', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      for (let i = 0; i < 600; i++) {
        const listed = await api.get('/v1/products?limit=1')
        assert.equal(listed.statusCode, 200, listed.body)
        assert.equal(spent(listed, 'reads', 600).r, 599 - i)
      }
      limited(await api.get('/v1/products'), 'reads', 600)
      limited(await api.get('/v1/products/prod_01J2PVQR41XKZ0Q6V1H8D3M9TE'), 'reads', 600)

      const write = await api.post('/v1/products', sampleProduct())
      assert.equal(write.statusCode, 201)
      assert.equal(spent(write, 'writes', 120).r, 119)
      const other = (await env.newShop()).keys.test
      const otherRead = await client(env.app, other).get('/v1/products')
      assert.equal(otherRead.statusCode, 200)
      assert.equal(spent(otherRead, 'reads', 600).r, 599)
    })

    it('does not store a 429 under its Idempotency-Key: the retry after the window runs once', async () => {
      const { app } = await env.spawnApp({ RATE_LIMIT_WRITES: '2', RATE_LIMIT_WINDOW_SECONDS: '1' })
      const shop = await env.newShop()
      const api = client(app, shop.keys.test)
      // Requests that fail validation still spend the budget: the limiter runs before the body is read.
      for (const r of [1, 0]) {
        const invalid = await api.post('/v1/products', {})
        problem(invalid, 400, 'invalid_request')
        assert.equal(spent(invalid, 'writes', 2, 1).r, r)
      }
      const idem = { 'idempotency-key': 'rate-limited-then-retried' }
      const body = sampleProduct({ name: 'After the window' })
      limited(await api.post('/v1/products', body, idem), 'writes', 2, 1)

      // The limiter counts on its own clock (@fastify/rate-limit's), so the test retries until the
      // 1 s window has passed instead of sleeping: every retry before then is a 429 again.
      let first!: Awaited<ReturnType<typeof api.post>>
      await waitFor(async () => {
        first = await api.post('/v1/products', body, idem)
        if (first.statusCode !== 429) return true
        limited(first, 'writes', 2, 1)
        return false
      }, 'the write budget to refresh')
      assert.equal(first.statusCode, 201, first.body)
      assert.equal(first.headers['idempotent-replayed'], undefined, 'the 429 was not replayed')
      const replay = await api.post('/v1/products', body, idem)
      assert.equal(replay.statusCode, 201)
      assert.equal(replay.headers['idempotent-replayed'], 'true')
      assert.equal(replay.json().id, first.json().id)
      const names = (await api.get('/v1/products')).json().data.map((p: { name: string }) => p.name)
      assert.deepEqual(names, ['After the window'])
    })

    it('shares one budget across instances through Redis', async () => {
      const redisEnv = { REDIS_URL, RATE_LIMIT_WRITES: '10' }
      const [a, b] = [await env.spawnApp(redisEnv), await env.spawnApp(redisEnv)]
      assert.equal((await client(a.app).get('/readyz')).statusCode, 200, 'ready with Redis up')
      const shop = await env.newShop()
      const onA = client(a.app, shop.keys.test)
      const onB = client(b.app, shop.keys.test)
      const created = await onA.post('/v1/products', sampleProduct({ type: 'physical', stock: 0 }))
      assert.equal(created.statusCode, 201)
      const remaining = [spent(created, 'writes', 10).r]
      const id = created.json().id
      // 6 writes on A (the create and 5 patches), then 4 on B: one counter for both.
      for (const api of [onA, onA, onA, onA, onA, onB, onB, onB, onB]) {
        const patched = await api.patch(`/v1/products/${id}`, { stock: remaining.length })
        assert.equal(patched.statusCode, 200, patched.body)
        remaining.push(spent(patched, 'writes', 10).r)
      }
      assert.deepEqual(remaining, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
      limited(await onA.patch(`/v1/products/${id}`, { stock: 99 }), 'writes', 10)
      limited(await onB.patch(`/v1/products/${id}`, { stock: 99 }), 'writes', 10)
      assert.equal((await onB.get(`/v1/products/${id}`)).json().stock, 9)
    })

    it('keeps one budget per instance without Redis', async () => {
      const [a, b] = [await env.spawnApp({ RATE_LIMIT_WRITES: '10' }), await env.spawnApp({ RATE_LIMIT_WRITES: '10' })]
      const shop = await env.newShop()
      const onA = client(a.app, shop.keys.test)
      const id = (await onA.post('/v1/products', sampleProduct({ type: 'physical', stock: 0 }))).json().id
      for (let i = 1; i < 10; i++) assert.equal((await onA.patch(`/v1/products/${id}`, { stock: i })).statusCode, 200)
      limited(await onA.patch(`/v1/products/${id}`, { stock: 99 }), 'writes', 10)
      const onB = await client(b.app, shop.keys.test).patch(`/v1/products/${id}`, { stock: 42 })
      assert.equal(onB.statusCode, 200)
      assert.equal(spent(onB, 'writes', 10).r, 9)
    })

    describe('when Redis is down', () => {
      // A Redis that accepts connections and never answers: without a command timeout, requests hang.
      const sockets = new Set<net.Socket>()
      const silent = net.createServer((socket) => {
        sockets.add(socket)
        socket.on('data', () => {})
      })
      before(() => new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve)))
      after(() => {
        for (const socket of sockets) socket.destroy()
        silent.close()
      })

      for (const [label, url] of [
        ['refuses connections', 'redis://127.0.0.1:1'],
        ['never answers', ''],
      ] as const) {
        it(`answers 503 unavailable quickly on authenticated routes when Redis ${label}`, async () => {
          const port = (silent.address() as net.AddressInfo).port
          const { app } = await env.spawnApp({ REDIS_URL: url || `redis://127.0.0.1:${port}` })
          const shop = await env.newShop()
          const api = client(app, shop.keys.test)
          const started = Date.now()
          for (const send of [
            () => api.get('/v1/products'),
            () => api.post('/v1/products', sampleProduct()),
            () => api.get('/v1/products'),
          ]) {
            const began = Date.now()
            const response = await send()
            assert.ok(Date.now() - began < 1500, `took ${Date.now() - began} ms`)
            problem(response, 503, 'unavailable')
            assert.match(String(response.headers['retry-after']), /^[1-9]\d*$/)
          }
          assert.ok(Date.now() - started < 3000)
          // Nothing that needs no budget depends on Redis.
          problem(await client(app).get('/v1/products'), 401, 'unauthenticated')
          assert.equal((await client(app).get('/healthz')).statusCode, 200)
          // …but the instance is not ready: its /v1 routes cannot serve.
          const notReady = await client(app).get('/readyz')
          assert.match(problem(notReady, 503, 'unavailable').detail, /Redis/)
          assert.match(String(notReady.headers['retry-after']), /^[1-9]\d*$/)
          assert.equal(
            (await client(env.app, shop.keys.test).get('/v1/products')).json().data.length,
            0,
            'the refused POST stored nothing',
          )
        })
      }
    })
  })
}
