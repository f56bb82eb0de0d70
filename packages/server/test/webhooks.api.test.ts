// Webhooks through HTTP, part two: secret rotation, test pings, the events API and manual
// retries. Endpoints, signatures, every event type and fan-out: webhooks.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createManualClock } from '../src/platform/clock.ts'
import type { Product } from '../src/modules/catalog/catalog.schemas.ts'
import type { ApiEvent } from '../src/modules/webhooks/webhooks.schemas.ts'
import { DIALECTS, client, json, present, problem, startTestEnv, type List, type TestEnv } from './harness.ts'
import { newProduct } from './orders-helpers.ts'
import { MONEY_ENV } from './money-helpers.ts'
import { deliveries, startReceiver, subscribe, verifies } from './webhook-helpers.ts'

// The default WEBHOOK_TIMEOUT_MS (10 s): a shorter one times sends out on a loaded machine, and
// the tests here count what receivers got once the worker is drained.
const FAST = { ...MONEY_ENV, WEBHOOK_RETRY_DELAYS: '1,1,1', DYNAMIC_RETRY_DELAYS: '0' }
for (const dialect of DIALECTS) {
  describe(`${dialect}: webhook rotation, pings and events`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, FAST)
    })
    after(() => env.close())

    const shop = async () => {
      const made = await env.newShop()
      return { made, api: client(env.app, made.keys.test), live: client(env.app, made.keys.live) }
    }

    it('rotates the secret: both secrets sign for the overlap, each verifies on its own', async () => {
      const receiver = await startReceiver()
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url, ['product.*'])
      const rotated = (await api.post(`/v1/webhooks/${endpoint.id}/rotate_secret`)).json()
      assert.match(rotated.signing_secret, /^whsec_/)
      assert.notEqual(rotated.signing_secret, endpoint.signing_secret)
      assert.ok(Date.parse(rotated.previous_secret_expires_at) - Date.now() > 23.9 * 3600_000)
      await newProduct(api, {})
      await receiver.waitForCount(1)
      const [request] = receiver.received
      assert.equal(String(request!.headers['webhook-signature']).split(' ').length, 2)
      assert.equal(String(request!.headers['x-signature']).split(',').length, 2)
      assert.deepEqual(verifies(rotated.signing_secret, request!), { standard: true, x: true }, 'the new secret')
      assert.deepEqual(
        verifies(endpoint.signing_secret, request!),
        { standard: true, x: true },
        'the old secret, during the overlap',
      )
    })

    it('sends a signed test ping and logs it; a ping cannot be retried', async () => {
      const receiver = await startReceiver()
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url, ['order.paid'])
      const res = await api.post(`/v1/webhooks/${endpoint.id}/test`)
      assert.equal(res.statusCode, 200, res.body)
      const result = res.json()
      assert.equal(result.delivered, true)
      assert.equal(result.response_code, 200)
      assert.ok(Number.isInteger(result.delivery_ms))
      const ping = receiver.events()[0]!
      assert.equal(ping.type, 'ping')
      assert.equal(ping.data.webhook_id, endpoint.id)
      assert.deepEqual(verifies(endpoint.signing_secret, receiver.received[0]!), { standard: true, x: true })
      const [logged] = await deliveries(api, endpoint.id)
      assert.ok(logged)
      assert.deepEqual([logged.id, logged.trigger, logged.event_type], [result.delivery_id, 'test', 'ping'])
      problem(await api.post(`/v1/webhooks/${endpoint.id}/deliveries/${logged.id}/retry`), 409, 'conflict')

      const down = await subscribe(api, 'http://127.0.0.1:9/hook')
      const failed = (await api.post(`/v1/webhooks/${down.id}/test`)).json()
      assert.deepEqual([failed.delivered, failed.response_code, failed.error], [false, null, 'connection refused'])
    })

    it('lists and reads events, filtered by type, scoped to the shop and mode', async () => {
      const { api, live } = await shop()
      const productId = await newProduct(api, {})
      await api.patch(`/v1/products/${productId}`, { name: 'Renamed' })
      const list = json<List<ApiEvent & { data: Product }>>(await api.get('/v1/events'))
      assert.deepEqual(
        list.data.map((e) => e.type),
        ['product.updated', 'product.created'],
      )
      const updated = present(list.data[0], 'the newest event')
      assert.equal(updated.data.name, 'Renamed')
      const filtered = json<List<ApiEvent & { data: Product }>>(await api.get('/v1/events?type=product.created'))
      assert.deepEqual(
        filtered.data.map((e) => e.data.id),
        [productId],
      )
      const page = (await api.get('/v1/events?limit=1')).json()
      assert.equal(page.has_more, true)
      assert.equal(
        (await api.get(`/v1/events?limit=1&cursor=${page.next_cursor}`)).json().data[0].type,
        'product.created',
      )
      problem(await live.get(`/v1/events/${updated.id}`), 404, 'not_found')
      problem(await (await shop()).api.get(`/v1/events/${updated.id}`), 404, 'not_found')
      assert.ok(problem(await api.get('/v1/events?type=order.shipped'), 422, 'unprocessable').errors?.type)
    })
  })

  describe(`${dialect}: webhook manual retries`, () => {
    let env: TestEnv
    // The clock stands still: the automatic retry comes due only when the test steps past it.
    const clock = createManualClock()
    before(async () => {
      env = await startTestEnv(dialect, { ...FAST, WEBHOOK_RETRY_DELAYS: '60,120,300' }, { clock })
    })
    after(() => env.close())

    it('retries an attempt by hand: same event, a new logged attempt, and a success ends the chain', async () => {
      const receiver = await startReceiver(() => 500)
      const made = await env.newShop()
      const api = client(env.app, made.keys.test)
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await env.drain()
      const [first, ...others] = await deliveries(api, endpoint.id)
      assert.ok(first)
      assert.deepEqual([first.trigger, first.status, others.length], ['scheduled', 'failed', 0])
      assert.equal(
        Date.parse(present(first.next_retry_at, 'next_retry_at')) - Date.parse(first.created_at),
        60_000,
        'an automatic retry is scheduled',
      )
      receiver.answerWith(() => 200)
      const retried = await api.post(`/v1/webhooks/${endpoint.id}/deliveries/${first.id}/retry`)
      assert.equal(retried.statusCode, 200, retried.body)
      const attempt = retried.json()
      assert.deepEqual(
        [attempt.trigger, attempt.status, attempt.response_code, attempt.event_id, attempt.attempt],
        ['manual', 'succeeded', 200, first.event_id, 2],
      )
      // Past every delay of the schedule: the chain the manual success ended sends nothing more.
      clock.advance(24 * 3600_000)
      await env.drain()
      assert.deepEqual(
        receiver.events().map((e) => e.id),
        [first.event_id, first.event_id],
        'the scheduled attempt and the manual one, nothing else',
      )
      const log = await deliveries(api, endpoint.id)
      assert.deepEqual(
        log.map((d) => [d.trigger, d.status]),
        [
          ['manual', 'succeeded'],
          ['scheduled', 'failed'],
        ],
        'the automatic chain stopped',
      )

      const other = client(env.app, (await env.newShop()).keys.test)
      problem(await other.post(`/v1/webhooks/${endpoint.id}/deliveries/${first.id}/retry`), 404, 'not_found')
      problem(
        await api.post(`/v1/webhooks/${endpoint.id}/deliveries/whd_01J2PVT0KZ8Q2ZP6V1H3M9TE4X/retry`),
        404,
        'not_found',
      )
    })
  })
}
