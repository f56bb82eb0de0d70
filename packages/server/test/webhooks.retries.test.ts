// Webhook retries and failing receivers through HTTP: retries with one event id, the end of the
// schedule, 410 Gone, deleted endpoints, timeouts and huge answers, and endpoints disabled after
// failing for too long (with the owner's notice mail).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct } from './orders-helpers.ts'
import { waitFor } from './processes.ts'
import { deliveries, startReceiver, subscribe } from './webhook-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: webhook retries`, () => {
    let env: TestEnv
    before(async () => { env = await startTestEnv(dialect, { ...NO_LIMITS, WEBHOOK_RETRY_DELAYS: '1,1,1', WEBHOOK_TIMEOUT_MS: '600' }) })
    after(() => env.close())

    const shop = async () => ({ api: client(env.app, (await env.newShop()).keys.test) })

    it('retries a failing receiver with the same event id until it answers 2xx', async () => {
      const receiver = await startReceiver((_request, index) => (index < 2 ? { status: 503, body: 'busy' } : 200))
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await receiver.waitForCount(3, 'three attempts', 15_000)
      assert.equal(new Set(receiver.events().map((e) => e.id)).size, 1, 'one event id on every attempt')
      assert.equal(new Set(receiver.received.map((r) => r.body)).size, 1, 'the same bytes on every attempt')
      const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at)
      assert.ok(gaps.every((gap) => gap >= 900), `waits of about a second between attempts: ${gaps}`)
      await waitFor(async () => (await deliveries(api, endpoint.id)).length === 3, 'three logged attempts')
      const log = (await deliveries(api, endpoint.id)).reverse()
      assert.deepEqual(log.map((d) => [d.attempt, d.status, d.response_code, d.error]), [[1, 'failed', 503, 'HTTP 503'], [2, 'failed', 503, 'HTTP 503'], [3, 'succeeded', 200, null]])
      assert.equal(log[0].response_excerpt, 'busy')
      assert.ok(log[0].next_retry_at && log[1].next_retry_at && log[2].next_retry_at === null)
      await new Promise((resolve) => setTimeout(resolve, 1500))
      assert.equal(receiver.received.length, 3, 'nothing after the success')
      assert.equal((await api.get(`/v1/webhooks/${endpoint.id}`)).json().status, 'active')
    })

    it('gives up after the schedule (1 + 3 attempts) when the receiver always fails', async () => {
      const receiver = await startReceiver(() => 500)
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await receiver.waitForCount(4, 'four attempts', 15_000)
      await new Promise((resolve) => setTimeout(resolve, 2000))
      assert.equal(receiver.received.length, 4, 'no fifth attempt')
      const log = await deliveries(api, endpoint.id)
      assert.equal(log.length, 4)
      assert.equal(log[0].next_retry_at, null, 'the last attempt says none follows')
      assert.equal((await api.get(`/v1/webhooks/${endpoint.id}`)).json().status, 'active', 'one failed event does not disable the endpoint')
    })

    it('disables an endpoint that answers 410 Gone, sends it nothing more until it is re-enabled', async () => {
      const receiver = await startReceiver(() => 410)
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await receiver.waitForCount(1)
      await waitFor(async () => (await api.get(`/v1/webhooks/${endpoint.id}`)).json().status === 'disabled', 'the endpoint to be disabled')
      assert.equal((await api.get(`/v1/webhooks/${endpoint.id}`)).json().disabled_reason, 'gone')
      await newProduct(api, {})
      await new Promise((resolve) => setTimeout(resolve, 1500))
      assert.equal(receiver.received.length, 1)
      const reenabled = (await api.patch(`/v1/webhooks/${endpoint.id}`, { status: 'active' })).json()
      assert.deepEqual([reenabled.status, reenabled.disabled_reason], ['active', null])
      receiver.answerWith(() => 200)
      const after = await newProduct(api, {})
      await receiver.waitForCount(2, 'the first event after re-enabling')
      assert.equal(receiver.events()[1]!.data.id, after, 'events written while it was disabled are not sent; new ones are')
    })

    it('sends nothing more to a deleted endpoint, retries included', async () => {
      const receiver = await startReceiver(() => 500)
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await receiver.waitForCount(1)
      await api.delete(`/v1/webhooks/${endpoint.id}`)
      await newProduct(api, {})
      await new Promise((resolve) => setTimeout(resolve, 2500))
      assert.equal(receiver.received.length, 1)
    })

    it('times out a receiver that never answers, and reads only the start of a huge answer', async () => {
      const silent = await startReceiver(() => 'hang')
      const flood = await startReceiver(() => (res) => {
        res.writeHead(200, { 'content-type': 'text/plain' })
        const chunk = Buffer.alloc(64 * 1024, 'a')
        const pump = () => { while (res.write(chunk)) { /* until the socket pushes back */ } }
        res.on('drain', pump)
        pump()
      })
      const { api } = await shop()
      const slow = await subscribe(api, silent.url)
      const big = await subscribe(api, flood.url)
      await newProduct(api, {})
      await waitFor(async () => (await deliveries(api, slow.id)).length >= 1 && (await deliveries(api, big.id)).length >= 1, 'both attempts logged', 10_000)
      const [timedOut] = await deliveries(api, slow.id)
      assert.deepEqual([timedOut.status, timedOut.response_code, timedOut.error], ['failed', null, 'timeout after 600 ms'])
      assert.ok(timedOut.duration_ms >= 550 && timedOut.duration_ms < 3000, `${timedOut.duration_ms}`)
      const [flooded] = await deliveries(api, big.id)
      assert.deepEqual([flooded.status, flooded.response_code], ['succeeded', 200])
      assert.equal(flooded.response_excerpt.length, 1024)
    })
  })

  describe(`${dialect}: webhook endpoints failing for too long`, () => {
    let env: TestEnv
    before(async () => { env = await startTestEnv(dialect, { ...NO_LIMITS, WEBHOOK_RETRY_DELAYS: '1,1,1,1,1,1', WEBHOOK_DISABLE_AFTER_SECONDS: '2' }) })
    after(() => env.close())

    it('disables the endpoint and emails the shop owner', async () => {
      const receiver = await startReceiver(() => 502)
      const made = await env.newShop()
      const api = client(env.app, made.keys.test)
      const endpoint = (await api.post('/v1/webhooks', { url: receiver.url, events: ['*'] })).json()
      assert.equal((await api.post('/v1/products', sampleProduct())).statusCode, 201)
      await waitFor(async () => (await api.get(`/v1/webhooks/${endpoint.id}`)).json().status === 'disabled', 'the endpoint to be disabled', 15_000)
      const disabled = (await api.get(`/v1/webhooks/${endpoint.id}`)).json()
      assert.equal(disabled.disabled_reason, 'failing')
      assert.ok(receiver.received.length >= 3 && receiver.received.length <= 4, `${receiver.received.length} attempts`)
      await waitFor(async () => (await env.services.db.selectFrom('mails').select('status').where('shop_id', '=', made.shop.id).where('kind', '=', 'webhook_disabled').executeTakeFirst())?.status === 'sent', 'the notice mail')
      const mail = await env.services.db.selectFrom('mails').selectAll().where('shop_id', '=', made.shop.id).where('kind', '=', 'webhook_disabled').executeTakeFirstOrThrow()
      assert.equal(mail.recipient, made.owner.email)
      assert.match(mail.subject, /Webhook endpoint disabled/)
      assert.ok(env.services.secretBox.open(mail.body_text).includes(endpoint.id))
      const count = receiver.received.length
      await new Promise((resolve) => setTimeout(resolve, 1500))
      assert.equal(receiver.received.length, count, 'nothing after it was disabled')
    })
  })
}
