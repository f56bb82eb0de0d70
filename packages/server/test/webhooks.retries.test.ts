// Webhook retries and failing receivers through HTTP: retries with one event id, the end of the
// schedule, 410 Gone, deleted endpoints, timeouts and huge answers, and endpoints disabled after
// failing for too long (with the owner's notice mail). The clock stands still: each test steps it
// past a retry delay and drains the worker, so attempts are counted exactly, never raced.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createManualClock } from '../src/platform/clock.ts'
import { DIALECTS, client, present, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct } from './orders-helpers.ts'
import { deliveries, startReceiver, subscribe } from './webhook-helpers.ts'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

for (const dialect of DIALECTS) {
  describe(`${dialect}: webhook retries`, () => {
    let env: TestEnv
    const clock = createManualClock()
    /** Steps the clock and runs whatever came due. */
    const advance = async (ms: number) => {
      clock.advance(ms)
      await env.drain()
    }
    // The default WEBHOOK_TIMEOUT_MS (10 s): a short one could time a send out on a loaded machine
    // and spoil an exact count. Timeouts have their own environment below.
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, WEBHOOK_RETRY_DELAYS: '60,120,300' }, { clock })
    })
    after(() => env.close())

    const shop = async () => ({ api: client(env.app, (await env.newShop()).keys.test) })

    it('retries a failing receiver with the same event id, after each delay of the schedule, until it answers 2xx', async () => {
      const receiver = await startReceiver((_request, index) => (index < 2 ? { status: 503, body: 'busy' } : 200))
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await env.drain()
      assert.equal(receiver.received.length, 1, 'the first attempt at once')
      await advance(MINUTE - 1)
      assert.equal(receiver.received.length, 1, 'no retry before its delay')
      await advance(1)
      assert.equal(receiver.received.length, 2, 'the second attempt 60 s later')
      await advance(2 * MINUTE - 1)
      assert.equal(receiver.received.length, 2)
      await advance(1)
      assert.equal(receiver.received.length, 3, 'the third attempt 120 s after the second')
      assert.equal(new Set(receiver.events().map((e) => e.id)).size, 1, 'one event id on every attempt')
      assert.equal(new Set(receiver.received.map((r) => r.body)).size, 1, 'the same bytes on every attempt')
      const log = (await deliveries(api, endpoint.id)).reverse()
      assert.deepEqual(
        log.map((d) => [d.attempt, d.status, d.response_code, d.error]),
        [
          [1, 'failed', 503, 'HTTP 503'],
          [2, 'failed', 503, 'HTTP 503'],
          [3, 'succeeded', 200, null],
        ],
      )
      assert.equal(log[0]?.response_excerpt, 'busy')
      const [at0, at1, at2] = log.map((d) => Date.parse(d.created_at)) as [number, number, number]
      assert.deepEqual([at1 - at0, at2 - at1], [MINUTE, 2 * MINUTE], 'attempts follow WEBHOOK_RETRY_DELAYS')
      assert.deepEqual(
        log.map((d) => d.next_retry_at && Date.parse(d.next_retry_at)),
        [at1, at2, null],
      )
      await advance(DAY)
      assert.equal(receiver.received.length, 3, 'nothing after the success')
      assert.equal((await api.get(`/v1/webhooks/${endpoint.id}`)).json().status, 'active')
    })

    it('gives up after the schedule (1 + 3 attempts) when the receiver always fails', async () => {
      const receiver = await startReceiver(() => 500)
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await env.drain()
      const counts = [receiver.received.length]
      for (const delay of [1, 2, 5]) {
        await advance(delay * MINUTE)
        counts.push(receiver.received.length)
      }
      assert.deepEqual(counts, [1, 2, 3, 4], 'one attempt per step of the schedule')
      await advance(DAY)
      assert.equal(receiver.received.length, 4, 'no fifth attempt')
      const log = await deliveries(api, endpoint.id)
      assert.equal(log.length, 4)
      assert.equal(present(log[0], 'the last attempt').next_retry_at, null, 'the last attempt says none follows')
      assert.ok(log.every((d) => d.status === 'failed'))
      assert.equal(
        (await api.get(`/v1/webhooks/${endpoint.id}`)).json().status,
        'active',
        'one failed event does not disable the endpoint',
      )
    })

    it('disables an endpoint that answers 410 Gone, sends it nothing more until it is re-enabled', async () => {
      const receiver = await startReceiver(() => 410)
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await env.drain()
      assert.equal(receiver.received.length, 1)
      const disabled = (await api.get(`/v1/webhooks/${endpoint.id}`)).json()
      assert.deepEqual([disabled.status, disabled.disabled_reason], ['disabled', 'gone'])
      await newProduct(api, {})
      await advance(DAY)
      assert.equal(receiver.received.length, 1, 'no retry and no new event while disabled')
      const reenabled = (await api.patch(`/v1/webhooks/${endpoint.id}`, { status: 'active' })).json()
      assert.deepEqual([reenabled.status, reenabled.disabled_reason], ['active', null])
      receiver.answerWith(() => 200)
      const after = await newProduct(api, {})
      await env.drain()
      assert.equal(receiver.received.length, 2)
      assert.equal(
        receiver.events()[1]!.data.id,
        after,
        'events written while it was disabled are not sent; new ones are',
      )
    })

    it('sends nothing more to a deleted endpoint, retries included', async () => {
      const receiver = await startReceiver(() => 500)
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await env.drain()
      assert.equal(receiver.received.length, 1)
      await api.delete(`/v1/webhooks/${endpoint.id}`)
      await newProduct(api, {})
      await advance(DAY)
      assert.equal(receiver.received.length, 1)
    })

    it('reads only the start of a huge answer', async () => {
      const flood = await startReceiver(() => (res) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        const chunk = Buffer.alloc(64 * 1024, 'a')
        const pump = () => {
          while (res.write(chunk)) {
            /* until the socket pushes back */
          }
        }
        res.on('drain', pump)
        pump()
      })
      const { api } = await shop()
      const big = await subscribe(api, flood.url)
      await newProduct(api, {})
      await env.drain()
      const [flooded, ...more] = await deliveries(api, big.id)
      assert.ok(flooded)
      assert.deepEqual([flooded.status, flooded.response_code, more.length], ['succeeded', 200, 0])
      assert.equal(flooded.response_excerpt?.length, 1024)
    })
  })

  describe(`${dialect}: webhook timeouts`, () => {
    let env: TestEnv
    const clock = createManualClock()
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, WEBHOOK_TIMEOUT_MS: '600' }, { clock })
    })
    after(() => env.close())

    it('times out a receiver that never answers and schedules its retry', async () => {
      const silent = await startReceiver(() => 'hang')
      const api = client(env.app, (await env.newShop()).keys.test)
      const slow = await subscribe(api, silent.url)
      await newProduct(api, {})
      await env.drain()
      const [timedOut, ...more] = await deliveries(api, slow.id)
      assert.ok(timedOut)
      assert.deepEqual(
        [timedOut.status, timedOut.response_code, timedOut.error, more.length],
        ['failed', null, 'timeout after 600 ms', 0],
      )
      // Ended by the 600 ms timeout: not before it, and far sooner than the default 10 s (the
      // margin is for a loaded machine, whose timers fire late).
      assert.ok(timedOut.duration_ms >= 550 && timedOut.duration_ms < 5000, `${timedOut.duration_ms}`)
      assert.equal(
        Date.parse(present(timedOut.next_retry_at, 'next_retry_at')) - Date.parse(timedOut.created_at),
        60_000,
        'the default schedule starts at 60 s',
      )
      assert.equal(silent.received.length, 1)
    })
  })

  describe(`${dialect}: webhook endpoints failing for too long`, () => {
    let env: TestEnv
    const clock = createManualClock()
    before(async () => {
      env = await startTestEnv(
        dialect,
        { ...NO_LIMITS, WEBHOOK_RETRY_DELAYS: '60,60,60,60,60,60', WEBHOOK_DISABLE_AFTER_SECONDS: '120' },
        { clock },
      )
    })
    after(() => env.close())

    it('disables the endpoint once it has failed for WEBHOOK_DISABLE_AFTER_SECONDS and emails the shop owner', async () => {
      const receiver = await startReceiver(() => 502)
      const made = await env.newShop()
      const api = client(env.app, made.keys.test)
      const endpoint = (await api.post('/v1/webhooks', { url: receiver.url, events: ['*'] })).json()
      assert.equal((await api.post('/v1/products', sampleProduct())).statusCode, 201)
      await env.drain()
      const status = async () => (await api.get(`/v1/webhooks/${endpoint.id}`)).json().status
      // Failing since the first attempt: at +60 s still active, at +120 s disabled.
      assert.deepEqual([receiver.received.length, await status()], [1, 'active'])
      clock.advance(MINUTE)
      await env.drain()
      assert.deepEqual([receiver.received.length, await status()], [2, 'active'])
      clock.advance(MINUTE)
      await env.drain()
      assert.equal(receiver.received.length, 3)
      const disabled = (await api.get(`/v1/webhooks/${endpoint.id}`)).json()
      assert.deepEqual([disabled.status, disabled.disabled_reason], ['disabled', 'failing'])
      const mail = await env.services.db
        .selectFrom('mails')
        .selectAll()
        .where('shop_id', '=', made.shop.id)
        .where('kind', '=', 'webhook_disabled')
        .executeTakeFirstOrThrow()
      assert.equal(mail.status, 'sent', 'the notice mail went out in the same drain')
      assert.equal(mail.recipient, made.owner.email)
      assert.match(mail.subject, /Webhook endpoint disabled/)
      assert.ok(env.services.secretBox.open(mail.body_text).includes(endpoint.id))
      clock.advance(DAY)
      await env.drain()
      assert.equal(receiver.received.length, 3, 'nothing after it was disabled')
    })
  })
}
