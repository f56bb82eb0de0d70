// The retry rules on their own, through the client's `fetch` option (no server needed): which
// failures are asked again, with which key, how often, and how long the client waits.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createClient } from '../src/index.ts'

/** A fetch that plays `script` in order (a status, or 'drop' for a lost connection) and records each request. */
function scripted(script: (number | 'drop')[], headers: Record<string, string> = {}) {
  const requests: Request[] = []
  const fetch = async (request: Request) => {
    requests.push(request)
    const step = script.shift() ?? 200
    if (step === 'drop') throw new TypeError('fetch failed')
    const body = step < 300 ? '{"ok":true}' : '{"type":"unavailable","status":503,"title":"x","detail":"x"}'
    return new Response(body, { status: step, headers: { 'content-type': 'application/json', ...headers } })
  }
  return { fetch, requests }
}

const client = (fetch: (request: Request) => Promise<Response>, retries: object | number = { baseDelayMs: 1 }) =>
  createClient({ baseUrl: 'http://sx.invalid', apiKey: 'sx_test_x', fetch, retries })

describe('@sx/sdk retries', () => {
  it('asks again after a lost connection for GET, PUT, DELETE and keyed POST, never for PATCH', async () => {
    for (const method of ['GET', 'DELETE', 'POST'] as const) {
      const { fetch, requests } = scripted(['drop', 200])
      await (client(fetch)[method] as (path: string) => Promise<unknown>)('/v1/balance')
      assert.equal(requests.length, 2, method)
    }
    const { fetch, requests } = scripted(['drop', 200])
    await assert.rejects(client(fetch).PATCH('/v1/products/{id}', { params: { path: { id: 'prod_1' } }, body: {} }), {
      name: 'TypeError',
    })
    assert.equal(requests.length, 1, 'a PATCH that may have landed is not sent twice')
  })

  it('keeps one Idempotency-Key across the tries of one POST and makes a new one per call', async () => {
    const { fetch, requests } = scripted([503, 'drop', 200, 200])
    const sx = client(fetch)
    await sx.POST('/v1/webhooks/{id}/test', { params: { path: { id: 'wh_1' } } })
    await sx.POST('/v1/webhooks/{id}/test', { params: { path: { id: 'wh_1' } } })
    const keys = requests.map((request) => request.headers.get('idempotency-key'))
    assert.equal(new Set(keys.slice(0, 3)).size, 1)
    assert.notEqual(keys[3], keys[0])
    assert.equal(requests[0]!.headers.get('authorization'), 'Bearer sx_test_x')
  })

  it('stops after `max` retries, and `retries: 0` sends once', async () => {
    const many = scripted([503, 503, 503, 503, 503])
    await assert.rejects(client(many.fetch, { max: 3, baseDelayMs: 1 }).GET('/v1/balance'), { status: 503 })
    assert.equal(many.requests.length, 4)
    const once = scripted([503, 200])
    await assert.rejects(client(once.fetch, 0).GET('/v1/balance'), { type: 'unavailable' })
    assert.equal(once.requests.length, 1)
  })

  it('waits what Retry-After says, as seconds or as an HTTP date', async () => {
    // The date is made just before its call: it has whole seconds, so 2 s ahead is 1–2 s ahead.
    for (const asDate of [false, true]) {
      const retryAfter = asDate ? new Date(Date.now() + 2000).toUTCString() : '1'
      const { fetch, requests } = scripted([429, 200], { 'retry-after': retryAfter })
      const started = Date.now()
      await client(fetch).GET('/v1/balance')
      const waited = Date.now() - started
      assert.equal(requests.length, 2)
      assert.ok(waited >= 900 && waited < 5000, `${retryAfter}: waited ${waited} ms`)
    }
  })

  it('an abort during the wait ends the call at once', async () => {
    const { fetch } = scripted([503, 200], { 'retry-after': '20' })
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('gave up')), 50)
    const started = Date.now()
    await assert.rejects(client(fetch).GET('/v1/balance', { signal: controller.signal }), { message: 'gave up' })
    assert.ok(Date.now() - started < 5000)
  })
})
