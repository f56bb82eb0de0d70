// Every non-2xx is RFC 9457 problem+json (checked by `problem()`), every response carries an
// X-Request-Id equal to the problem's trace_id, and the system endpoints answer as operators expect.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'

const MiB = 1024 * 1024
const GENERATED_ID = /^[0-9a-f]{32}$/
const SECRET = 'hunter2-db-password-in-error-message'
const json = { 'content-type': 'application/json' }

const allowOf = (header: unknown) =>
  String(header)
    .split(',')
    .map((m) => m.trim())
    .sort()

/** A stock import body of about `bytes` bytes: 4000-char unique items (the item limit is 4096). */
function stockBody(bytes: number): string {
  const count = Math.ceil(bytes / 4003)
  const items = Array.from({ length: count }, (_, i) => `${String(i).padStart(8, '0')}-${'k'.repeat(3991)}`)
  return JSON.stringify({ items })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: errors, request ids and system endpoints`, () => {
    let env: TestEnv
    let crashing: FastifyInstance
    before(async () => {
      env = await startTestEnv(dialect)
      // A second instance with one test-only route that crashes the way a bug would.
      crashing = (
        await env.spawnApp({}, (app) => {
          app.get('/test/crash', async () => {
            throw new Error(`${SECRET} at /srv/sx/secret.ts:42`)
          })
        })
      ).app
    })
    after(() => env.close())

    it('answers unknown routes 404 and known paths with a wrong method 405 with Allow', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      problem(await api.get('/v1/nothing-here'), 404, 'not_found')
      problem(await client(env.app).get('/nope'), 404, 'not_found')
      problem(await api.get('/v1/products/prod_01J2PVQR41XKZ0Q6V1H8D3M9TE/nothing'), 404, 'not_found')

      const put = await api.send('PUT', '/v1/products/prod_01J2PVQR41XKZ0Q6V1H8D3M9TE', { name: 'x' })
      problem(put, 405, 'method_not_allowed')
      assert.deepEqual(allowOf(put.headers.allow), ['DELETE', 'GET', 'PATCH'])
      const del = await api.delete('/v1/products')
      problem(del, 405, 'method_not_allowed')
      assert.deepEqual(allowOf(del.headers.allow), ['GET', 'POST'])
      const postHealth = await client(env.app).post('/healthz', {})
      problem(postHealth, 405, 'method_not_allowed')
      assert.deepEqual(allowOf(postHealth.headers.allow), ['GET'])
    })

    it('answers router-level failures (malformed URL, overlong path segment) with problems too', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      problem(await api.get(`/v1/products/${'x'.repeat(5000)}`), 400, 'invalid_request')
      problem(await api.get('/v1/products/%E0%A4%A'), 400, 'invalid_request')
      const echoed = await api.get(`/v1/products/${'x'.repeat(300)}`, { 'x-request-id': 'router-error-1' })
      assert.equal(problem(echoed, 400, 'invalid_request').trace_id, 'router-error-1')
    })

    it('refuses bodies that are not a JSON object with 400 invalid_request', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const cases: [string, string, Record<string, string>][] = [
        ['malformed JSON', '{"name": "Key", ', json],
        ['text/plain', JSON.stringify(sampleProduct()), { 'content-type': 'text/plain' }],
        ['empty body with a JSON content type', '', json],
        ['a JSON array', JSON.stringify([sampleProduct()]), json],
        ['a JSON string', '"Adobe Creative Cloud Key"', json],
        ['a JSON number', '42', json],
        ['JSON null', 'null', json],
      ]
      for (const [name, body, headers] of cases) {
        const response = await api.send('POST', '/v1/products', body, headers)
        assert.equal(response.statusCode, 400, `${name}: ${response.body}`)
        problem(response, 400, 'invalid_request')
      }
      // The same product as a proper JSON object is accepted, and none of the refused ones was stored.
      assert.equal((await api.post('/v1/products', sampleProduct())).statusCode, 201)
      assert.equal((await api.get('/v1/products')).json().data.length, 1)
    })

    it('limits bodies to 1 MiB, and the stock import to 16 MiB', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const big = JSON.stringify(sampleProduct({ description: 'x'.repeat(MiB) }))
      problem(await api.send('POST', '/v1/products', big, json), 413, 'payload_too_large')
      // Just under the limit the body is read, and only then refused by validation.
      const nearly = JSON.stringify(sampleProduct({ description: 'x'.repeat(MiB - 200) }))
      assert.ok(Buffer.byteLength(nearly) < MiB)
      problem(await api.send('POST', '/v1/products', nearly, json), 422, 'unprocessable')

      const product = (await api.post('/v1/products', sampleProduct())).json()
      const twoMiB = stockBody(2 * MiB)
      assert.ok(twoMiB.length > 2 * MiB)
      const imported = await api.send('POST', `/v1/products/${product.id}/stock`, twoMiB, json)
      assert.equal(imported.statusCode, 201, imported.body)
      assert.equal(imported.json().imported, JSON.parse(twoMiB).items.length)
      const huge = stockBody(16 * MiB + 4096)
      assert.ok(huge.length > 16 * MiB)
      problem(await api.send('POST', `/v1/products/${product.id}/stock`, huge, json), 413, 'payload_too_large')
      assert.equal((await api.get(`/v1/products/${product.id}`)).json().stock, JSON.parse(twoMiB).items.length)
    })

    it('enforces the body limit on a chunked upload without Content-Length (real listener)', async () => {
      const shop = await env.newShop()
      // The harness closes the listener with the app.
      const address = await crashing.listen({ host: '127.0.0.1', port: 0 })
      const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"name":"'))
        },
        pull(controller) {
          // 2 MiB in 64 KiB chunks: the limit must hold while streaming, not only via Content-Length.
          if (sent >= 2 * MiB) return controller.close()
          sent += chunk.length
          controller.enqueue(chunk)
        },
      })
      const response = await fetch(`${address}/v1/products`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${shop.keys.test}`,
          'content-type': 'application/json',
          'x-request-id': 'chunked-upload-1',
        },
        body,
        duplex: 'half',
      } as RequestInit)
      assert.equal(response.status, 413)
      assert.ok(response.headers.get('content-type')?.startsWith('application/problem+json'))
      assert.equal(response.headers.get('x-request-id'), 'chunked-upload-1')
      const payload = await response.json()
      assert.equal(payload.type, 'payload_too_large')
      assert.equal(payload.trace_id, 'chunked-upload-1')
    })

    it('names unknown fields even when they are called like Object.prototype members', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      for (const field of ['constructor', 'toString', 'hasOwnProperty']) {
        const body = problem(await api.post('/v1/products', { ...sampleProduct(), [field]: 1 }), 422, 'unprocessable')
        assert.deepEqual(body.errors, { [field]: ['unknown field'] })
      }
    })

    it('reports validation failures: 400 for missing fields, 422 for bad values, unknown fields and bad queries', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const { name: _name, ...withoutName } = sampleProduct()
      const missing = problem(await api.post('/v1/products', withoutName), 400, 'invalid_request')
      assert.deepEqual(missing.errors?.name, ['is required'])

      const negative = problem(await api.post('/v1/products', sampleProduct({ price_cents: -1 })), 422, 'unprocessable')
      assert.ok(negative.errors?.price_cents?.length, JSON.stringify(negative))
      const text = problem(
        await api.post('/v1/products', sampleProduct({ price_cents: '12900' })),
        422,
        'unprocessable',
      )
      assert.ok(text.errors?.price_cents?.length, 'bodies are not coerced: "12900" is not a price')
      const currency = problem(await api.post('/v1/products', sampleProduct({ currency: 'usd' })), 422, 'unprocessable')
      assert.deepEqual(Object.keys(currency.errors ?? {}), ['currency'])

      const unknown = problem(await api.post('/v1/products', sampleProduct({ prise_cents: 100 })), 422, 'unprocessable')
      assert.deepEqual(unknown.errors, { prise_cents: ['unknown field'] })

      for (const limit of ['0', '101', 'abc', '1.5', '-1']) {
        const bad = problem(await api.get(`/v1/products?limit=${limit}`), 422, 'unprocessable')
        assert.ok(bad.errors?.limit?.length, `limit=${limit}: ${JSON.stringify(bad)}`)
      }
      assert.equal((await api.get('/v1/products?limit=100')).statusCode, 200)
      assert.equal((await api.get('/v1/products?limit=1')).statusCode, 200)
      assert.equal((await api.get('/v1/products')).json().data.length, 0, 'no refused product was stored')
    })

    it('hides a crash behind a 500 server_error whose trace_id is the request id', async () => {
      const response = await client(crashing).get('/test/crash')
      const body = problem(response, 500, 'server_error')
      assert.match(body.trace_id, GENERATED_ID)
      assert.ok(!response.body.includes(SECRET), `leaks the error message: ${response.body}`)
      assert.ok(
        !response.body.includes('secret.ts') && !/\bat \S+ \(/.test(response.body),
        `leaks a stack: ${response.body}`,
      )
      assert.deepEqual(Object.keys(body).sort(), ['detail', 'instance', 'status', 'title', 'trace_id', 'type'])

      const traced = await client(crashing).get('/test/crash', { 'x-request-id': 'support-ticket-4711' })
      assert.equal(problem(traced, 500, 'server_error').trace_id, 'support-ticket-4711')
    })

    it('echoes a printable X-Request-Id and replaces an unprintable or overlong one', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const printable = 'req_01J2PVQR41XKZ0Q6V1H8D3M9TE:retry=2/~!'
      const ok = await api.get('/v1/products', { 'x-request-id': printable })
      assert.equal(ok.statusCode, 200)
      assert.equal(ok.headers['x-request-id'], printable)
      const failed = await api.get('/v1/products/prod_01J2PVQR41XKZ0Q6V1H8D3M9TE', { 'x-request-id': printable })
      assert.equal(problem(failed, 404, 'not_found').trace_id, printable)
      assert.equal(
        (await api.get('/healthz', { 'x-request-id': 'x'.repeat(128) })).headers['x-request-id'],
        'x'.repeat(128),
      )

      for (const bad of ['has space', 'tab\there', 'x'.repeat(129), '', 'caf\u00e9']) {
        const response = await api.get('/v1/nothing', { 'x-request-id': bad })
        const body = problem(response, 404, 'not_found')
        assert.match(body.trace_id, GENERATED_ID, `replaces ${JSON.stringify(bad)}`)
      }
    })

    it('sends X-Request-Id on every response and makes a new one per request', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const responses = [
        await client(env.app).get('/healthz'),
        await api.get('/v1/products'),
        await api.post('/v1/products', sampleProduct()),
        await client(env.app).get('/v1/products'),
        await api.get('/v1/nothing'),
        await api.send('PUT', '/v1/products', {}),
        await api.post('/v1/products', { name: 'x' }),
        await client(crashing).get('/test/crash'),
        await client(env.app).get('/metrics'),
      ]
      assert.deepEqual(
        responses.map((r) => r.statusCode),
        [200, 200, 201, 401, 404, 405, 400, 500, 200],
      )
      const ids = responses.map((r) => String(r.headers['x-request-id']))
      for (const id of ids) assert.match(id, GENERATED_ID)
      assert.equal(new Set(ids).size, ids.length, 'request ids are unique')
      for (const r of responses.filter((r) => r.statusCode >= 400))
        assert.equal(r.json().trace_id, r.headers['x-request-id'])
    })

    it('keeps title stable per type and sends WWW-Authenticate on 401', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const notFoundA = problem(await api.get('/v1/products/prod_01J2PVQR41XKZ0Q6V1H8D3M9TE'), 404, 'not_found')
      const notFoundB = problem(await api.get('/v1/what'), 404, 'not_found')
      assert.notEqual(notFoundA.detail, notFoundB.detail)
      assert.equal(notFoundA.title, notFoundB.title)

      const noKey = await client(env.app).get('/v1/products')
      const unknownKey = await client(env.app, `sx_test_${'A'.repeat(32)}`).get('/v1/products')
      const badScheme = await client(env.app).get('/v1/products', { authorization: `Basic ${shop.keys.test}` })
      const unauthorized = [noKey, unknownKey, badScheme].map((r) => {
        assert.match(String(r.headers['www-authenticate']), /^Bearer\b/)
        return problem(r, 401, 'unauthenticated')
      })
      assert.equal(new Set(unauthorized.map((p) => p.title)).size, 1)

      const badA = problem(await api.post('/v1/products', sampleProduct({ price_cents: -1 })), 422, 'unprocessable')
      const badB = problem(await api.get('/v1/products?limit=0'), 422, 'unprocessable')
      assert.equal(badA.title, badB.title)
      assert.notEqual(badA.title, notFoundA.title)
    })

    it('serves /healthz, /readyz and Prometheus /metrics', async () => {
      const health = await client(env.app).get('/healthz')
      assert.equal(health.statusCode, 200)
      assert.deepEqual(health.json(), { status: 'ok' })
      const ready = await client(env.app).get('/readyz')
      assert.equal(ready.statusCode, 200)
      assert.deepEqual(ready.json(), { status: 'ok' })

      await client(env.app).get('/v1/nothing')
      const metrics = await client(env.app).get('/metrics')
      assert.equal(metrics.statusCode, 200)
      assert.match(String(metrics.headers['content-type']), /^text\/plain/)
      assert.match(metrics.body, /^# TYPE sx_http_request_duration_seconds histogram$/m)
      assert.match(
        metrics.body,
        /^sx_http_request_duration_seconds_count\{[^}]*route="\/readyz"[^}]*status="200"[^}]*\} [1-9]\d*$/m,
      )
      assert.match(metrics.body, /^sx_http_request_duration_seconds_bucket\{[^}]*status="404"[^}]*\} \d+$/m)
    })

    it('answers /readyz 503 unavailable once the database is gone', async () => {
      const doomed = await env.spawnApp()
      // This first query also opens the driver: Kysely's destroy() does nothing on a never-used one.
      assert.equal((await client(doomed.app).get('/readyz')).statusCode, 200)
      await doomed.services.db.destroy()
      const response = await client(doomed.app).get('/readyz')
      problem(response, 503, 'unavailable')
      assert.match(String(response.headers['retry-after']), /^[1-9]\d*$/)
      assert.equal(
        (await client(doomed.app).get('/healthz')).statusCode,
        200,
        'liveness does not depend on the database',
      )
      // An API request needs the database for auth: the outage is a 503 to retry, not a 500 bug.
      const shop = await env.newShop()
      const api = problem(await client(doomed.app, shop.keys.test).get('/v1/products'), 503, 'unavailable')
      assert.match(api.detail, /database/)
      assert.equal((await client(env.app).get('/readyz')).statusCode, 200, 'the other instance is unaffected')
    })
  })
}
