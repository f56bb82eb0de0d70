// Webhooks end to end through HTTP: endpoints, signed deliveries checked by the public
// `standardwebhooks` verifier and by hand, filters and fan-out, retries, 410, timeouts, huge
// answers, rotation, test pings, manual retries, SSRF refusals and the events API.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { verifyXSignature } from '../src/platform/signing.ts'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type Client, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct, order, settle } from './orders-helpers.ts'
import { MONEY_ENV, paidOrder, payout, refund, settledPayout, settledRefund } from './money-helpers.ts'
import { waitFor } from './processes.ts'
import { startReceiver, type Received } from './webhook-receiver.ts'

const FAST = { ...MONEY_ENV, WEBHOOK_RETRY_DELAYS: '1,1,1', WEBHOOK_TIMEOUT_MS: '600', DYNAMIC_RETRY_DELAYS: '0' }

/** Both checks a receiver can make; true only when both accept. */
function verifies(secret: string, request: Pick<Received, 'headers' | 'body'>, nowSeconds = Math.floor(Date.now() / 1000)): { standard: boolean; x: boolean } {
  const h = request.headers as Record<string, string>
  let standard = true
  try {
    new Webhook(secret).verify(request.body, { 'webhook-id': h['webhook-id']!, 'webhook-timestamp': h['webhook-timestamp']!, 'webhook-signature': h['webhook-signature']! })
  } catch {
    standard = false
  }
  return { standard, x: verifyXSignature(secret, h['x-signature']!, h['x-webhook-timestamp']!, request.body, nowSeconds) }
}

const deliveries = async (api: Client, id: string) => (await api.get(`/v1/webhooks/${id}/deliveries?limit=100`)).json().data as any[]

for (const dialect of DIALECTS) {
  describe(`${dialect}: webhooks`, () => {
    let env: TestEnv
    before(async () => { env = await startTestEnv(dialect, FAST) })
    after(() => env.close())

    const shop = async () => {
      const made = await env.newShop()
      return { made, api: client(env.app, made.keys.test), live: client(env.app, made.keys.live) }
    }
    const subscribe = async (api: Client, url: string, events: string[] = ['*']) => {
      const res = await api.post('/v1/webhooks', { url, events, description: 'test receiver' })
      assert.equal(res.statusCode, 201, res.body)
      return res.json() as { id: string; signing_secret: string; [k: string]: unknown }
    }

    it('creates, reads, lists, updates and deletes endpoints; the secret is shown on create only', async () => {
      const { api } = await shop()
      const created = await subscribe(api, 'http://127.0.0.1:9/hook', ['order.paid', 'product.*'])
      assert.match(created.signing_secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
      assert.equal(Buffer.from(created.signing_secret.slice(6), 'base64').length, 32)
      assert.deepEqual({ ...created, signing_secret: undefined, id: undefined, created_at: undefined, updated_at: undefined }, {
        url: 'http://127.0.0.1:9/hook', events: ['order.paid', 'product.*'], description: 'test receiver', status: 'active',
        disabled_reason: null, livemode: false, previous_secret_expires_at: null, signing_secret: undefined, id: undefined, created_at: undefined, updated_at: undefined,
      })
      const read = (await api.get(`/v1/webhooks/${created.id}`)).json()
      assert.equal(read.signing_secret, undefined)
      assert.equal((await api.get('/v1/webhooks')).json().data[0].signing_secret, undefined)

      const patched = await api.patch(`/v1/webhooks/${created.id}`, { events: ['*'], status: 'disabled', description: null })
      assert.equal(patched.statusCode, 200, patched.body)
      assert.deepEqual([patched.json().events, patched.json().status, patched.json().description], [['*'], 'disabled', null])

      assert.deepEqual((await api.delete(`/v1/webhooks/${created.id}`)).json(), { id: created.id, deleted: true })
      problem(await api.get(`/v1/webhooks/${created.id}`), 404, 'not_found')
      problem(await api.delete(`/v1/webhooks/${created.id}`), 404, 'not_found')
      assert.equal((await api.get('/v1/webhooks')).json().data.length, 0)
    })

    it('refuses bad endpoint bodies with field errors', async () => {
      const { api } = await shop()
      const cases: [unknown, string][] = [
        [{ url: 'http://127.0.0.1:9/x', events: [] }, 'events'],
        [{ url: 'http://127.0.0.1:9/x', events: ['order.shipped'] }, 'events.0'],
        [{ url: 'http://127.0.0.1:9/x', events: ['order.paid', 'order.paid'] }, 'events'],
        [{ url: 'ftp://127.0.0.1/x', events: ['*'] }, 'url'],
        [{ url: 'not a url', events: ['*'] }, 'url'],
        [{ url: 'http://user:pw@127.0.0.1:9/x', events: ['*'] }, 'url'],
        [{ url: `http://127.0.0.1:9/${'x'.repeat(2100)}`, events: ['*'] }, 'url'],
        [{ events: ['*'] }, 'url'],
        [{ url: 'http://127.0.0.1:9/x', events: ['*'], extra: 1 }, 'extra'],
      ]
      for (const [body, field] of cases) {
        const res = await api.post('/v1/webhooks', body)
        assert.ok([400, 422].includes(res.statusCode), `${JSON.stringify(body).slice(0, 80)}: ${res.statusCode}`)
        const errors = res.json().errors ?? {}
        assert.ok(Object.keys(errors).some((key) => key === field || key.startsWith(`${field}.`)) || res.json().detail.includes(field), `${field}: ${res.body}`)
      }
      problem(await api.patch('/v1/webhooks/wh_01J2PVT0KZ8Q2ZP6V1H3M9TE4X', { status: 'active' }), 404, 'not_found')
      assert.equal((await api.get('/v1/webhooks')).json().data.length, 0, 'nothing half-written')
    })

    it('refuses private, loopback and metadata addresses in live mode, and private ones in test mode (webhooks and dynamic_url)', async () => {
      const { api, live } = await shop()
      for (const url of ['http://93.184.216.34/hook', 'https://127.0.0.1/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest/meta-data',
        'https://[::1]/hook', 'https://[fd00:ec2::254]/hook', 'https://localhost/hook', 'https://api.localhost/hook', 'https://[::ffff:10.0.0.1]/hook']) {
        assert.ok(problem(await live.post('/v1/webhooks', { url, events: ['*'] }), 422, 'unprocessable').errors?.url, url)
      }
      for (const url of ['http://10.1.2.3/hook', 'http://169.254.169.254/latest', 'http://192.168.1.10/hook', 'http://[fe80::1]/hook']) {
        assert.ok(problem(await api.post('/v1/webhooks', { url, events: ['*'] }), 422, 'unprocessable').errors?.url, url)
      }
      assert.equal((await live.post('/v1/webhooks', { url: 'https://93.184.216.34/hook', events: ['*'] })).statusCode, 201)
      assert.equal((await api.post('/v1/webhooks', { url: 'http://localhost:9/hook', events: ['*'] })).statusCode, 201)
      const created = await subscribe(live, 'https://93.184.216.34/ok')
      assert.ok(problem(await live.patch(`/v1/webhooks/${created.id}`, { url: 'https://127.0.0.1/x' }), 422, 'unprocessable').errors?.url)

      // Dynamic products' delivery endpoints follow the same rules.
      for (const [key, url] of [[live, 'https://10.0.0.7/codes'], [live, 'https://localhost/codes'], [api, 'http://169.254.169.254/codes']] as const) {
        assert.ok(problem(await key.post('/v1/products', sampleProduct({ type: 'dynamic', dynamic_url: url })), 422, 'unprocessable').errors?.dynamic_url, url)
      }
      assert.equal((await live.post('/v1/products', sampleProduct({ type: 'dynamic', dynamic_url: 'https://93.184.216.34/codes' }))).statusCode, 201)
    })

    it('delivers events signed two ways, verified by standardwebhooks and by hand; tampering or a stale timestamp fails both', async () => {
      const receiver = await startReceiver()
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url, ['product.*'])
      const productId = await newProduct(api, {})
      await receiver.waitForCount(1)
      const [request] = receiver.received
      const event = JSON.parse(request!.body)
      assert.equal(event.type, 'product.created')
      assert.equal(event.data.id, productId)
      assert.match(event.id, /^evt_/)
      assert.equal(event.livemode, false)
      assert.deepEqual((await api.get(`/v1/events/${event.id}`)).json(), event, 'the body is the event as the API shows it')
      const h = request!.headers
      assert.equal(h['content-type'], 'application/json')
      assert.equal(h['user-agent'], 'sx-webhook/1')
      assert.equal(h['x-event-id'], event.id)
      assert.equal(h['webhook-id'], event.id)
      assert.equal(h['x-event-type'], 'product.created')
      assert.equal(h['x-webhook-timestamp'], h['webhook-timestamp'])
      assert.ok(Math.abs(Number(h['webhook-timestamp']) - Date.now() / 1000) < 10)
      assert.match(String(h['x-signature']), /^sha256=[0-9a-f]{64}$/)
      assert.match(String(h['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/)
      assert.deepEqual(verifies(endpoint.signing_secret, request!), { standard: true, x: true })

      assert.deepEqual(verifies(endpoint.signing_secret, { ...request!, body: request!.body.replace(productId, 'prod_01J2PVT0KZ8Q2ZP6V1H3M9TE4X') }), { standard: false, x: false }, 'tampered body')
      const stale = String(Number(h['webhook-timestamp']) - 600)
      assert.deepEqual(verifies(endpoint.signing_secret, { ...request!, headers: { ...h, 'webhook-timestamp': stale, 'x-webhook-timestamp': stale } }), { standard: false, x: false }, 'stale timestamp')
      assert.equal(verifies(endpoint.signing_secret, request!, Number(h['webhook-timestamp']) + 600).x, false, 'replayed 10 minutes later')
      assert.deepEqual(verifies('whsec_' + Buffer.alloc(32, 7).toString('base64'), request!), { standard: false, x: false }, 'another secret')

      // The outcome is recorded just after the receiver answered.
      await waitFor(async () => (await deliveries(api, endpoint.id)).length === 1, 'the logged attempt')
      const [attempt] = await deliveries(api, endpoint.id)
      assert.deepEqual({ ...attempt, id: undefined, duration_ms: undefined, created_at: undefined }, {
        id: undefined, webhook_id: endpoint.id, event_id: event.id, event_type: 'product.created', attempt: 1, trigger: 'scheduled', status: 'succeeded',
        response_code: 200, error: null, response_excerpt: 'ok', duration_ms: undefined, next_retry_at: null, created_at: undefined,
      })
    })

    it('filters by event type and fans out to every matching endpoint of the shop and mode only', async () => {
      const all = await startReceiver()
      const paid = await startReceiver()
      const products = await startReceiver()
      const otherShop = await startReceiver()
      const liveOnly = await startReceiver()
      const { api, live } = await shop()
      await subscribe(api, all.url, ['*'])
      await subscribe(api, paid.url, ['order.paid'])
      await subscribe(api, products.url, ['product.*'])
      await subscribe((await shop()).api, otherShop.url, ['*'])
      const disabled = await subscribe(api, liveOnly.url, ['*'])
      await api.patch(`/v1/webhooks/${disabled.id}`, { status: 'disabled' })

      const productId = await newProduct(api, { type: 'subscription' })
      const placed = await order(api, [{ product_id: productId, qty: 1 }])
      await api.post(`/v1/test_helpers/orders/${placed.id}/pay`, {})
      await settle(api, placed.id)
      await newProduct(live, {})
      const expected = ['product.created', 'customer.created', 'order.paid', 'order.delivered']
      await all.waitForCount(expected.length)
      await paid.waitForCount(1)
      await products.waitForCount(1)
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.deepEqual(all.events().map((e) => e.type).sort(), [...expected].sort())
      assert.deepEqual(paid.events().map((e) => [e.type, e.data.id]), [['order.paid', placed.id]])
      assert.deepEqual(products.events().map((e) => e.type), ['product.created'])
      assert.equal(otherShop.received.length, 0, "another shop's endpoint hears nothing")
      assert.equal(liveOnly.received.length, 0, 'a disabled endpoint hears nothing')
      assert.equal(all.events().filter((e) => e.livemode).length, 0, 'live events do not reach test endpoints')
      assert.equal(new Set(all.events().map((e) => e.id)).size, expected.length, 'each event once')
    })

    it('delivers every event type of the API docs, each verified and equal to GET /v1/events/{id}', async () => {
      const receiver = await startReceiver()
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url, ['*'])
      const productId = await newProduct(api, {})
      await api.patch(`/v1/products/${productId}`, { name: 'Renamed' })
      await api.delete(`/v1/products/${productId}`)
      const refunded = await paidOrder(api)
      await paidOrder(api)
      await settledRefund(api, refunded.id, (await refund(api, refunded.id)).json().id)
      await settledPayout(api, (await payout(api, { amount_cents: 1000 })).json().id)
      await settledPayout(api, (await payout(api, { amount_cents: 1000, destination_address: 'TMFPZCfWVnWFcyJxDc3QEhAvdBCE7mFdS8' })).json().id)
      const unreachable = await newProduct(api, { type: 'dynamic', dynamic_url: 'http://127.0.0.1:9/codes' })
      const failing = await order(api, [{ product_id: unreachable, qty: 1 }])
      await api.post(`/v1/test_helpers/orders/${failing.id}/pay`, {})
      await settle(api, failing.id)
      const types = ['product.created', 'product.updated', 'product.deleted', 'customer.created', 'order.paid', 'order.delivered', 'order.refunded',
        'order.failed', 'payout.queued', 'payout.broadcast', 'payout.confirmed', 'payout.failed']
      await waitFor(() => types.every((type) => receiver.events().some((e) => e.type === type)), `every event type (got ${[...new Set(receiver.events().map((e) => e.type))]})`, 20_000)
      for (const [index, event] of receiver.events().entries()) {
        assert.deepEqual(verifies(endpoint.signing_secret, receiver.received[index]!), { standard: true, x: true }, event.type)
        assert.deepEqual((await api.get(`/v1/events/${event.id}`)).json(), event, event.type)
      }
      for (const event of receiver.events().filter((e) => e.type.startsWith('payout.'))) {
        assert.equal(`payout.${event.data.status}`, event.type, 'each payout event carries the payout in that state')
      }
    })

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
      assert.deepEqual(verifies(endpoint.signing_secret, request!), { standard: true, x: true }, 'the old secret, during the overlap')
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
      assert.deepEqual([logged.id, logged.trigger, logged.event_type], [result.delivery_id, 'test', 'ping'])
      problem(await api.post(`/v1/webhooks/${endpoint.id}/deliveries/${logged.id}/retry`), 409, 'conflict')

      const down = await subscribe(api, 'http://127.0.0.1:9/hook')
      const failed = (await api.post(`/v1/webhooks/${down.id}/test`)).json()
      assert.deepEqual([failed.delivered, failed.response_code, failed.error], [false, null, 'connection refused'])
    })

    it('retries an attempt by hand: same event, a new logged attempt, and a success ends the chain', async () => {
      const receiver = await startReceiver(() => 500)
      const { api } = await shop()
      const endpoint = await subscribe(api, receiver.url)
      await newProduct(api, {})
      await waitFor(async () => (await deliveries(api, endpoint.id)).length >= 1, 'the first attempt')
      receiver.answerWith(() => 200)
      const [first] = await deliveries(api, endpoint.id)
      const retried = await api.post(`/v1/webhooks/${endpoint.id}/deliveries/${first.id}/retry`)
      assert.equal(retried.statusCode, 200, retried.body)
      const attempt = retried.json()
      assert.deepEqual([attempt.trigger, attempt.status, attempt.response_code, attempt.event_id], ['manual', 'succeeded', 200, first.event_id])
      const ids = receiver.events().map((e) => e.id)
      assert.ok(ids.every((id) => id === first.event_id))
      await new Promise((resolve) => setTimeout(resolve, 2000))
      const log = await deliveries(api, endpoint.id)
      assert.ok(log.every((d) => d.trigger !== 'scheduled' || d.status === 'failed'), 'no scheduled success after the manual one')
      assert.equal(log.filter((d) => d.trigger === 'scheduled').length <= 2, true, 'the automatic chain stopped')

      const otherShop = await shop()
      problem(await otherShop.api.post(`/v1/webhooks/${endpoint.id}/deliveries/${first.id}/retry`), 404, 'not_found')
      problem(await api.post(`/v1/webhooks/${endpoint.id}/deliveries/whd_01J2PVT0KZ8Q2ZP6V1H3M9TE4X/retry`), 404, 'not_found')
    })

    it('lists and reads events, filtered by type, scoped to the shop and mode', async () => {
      const { api, live } = await shop()
      const productId = await newProduct(api, {})
      await api.patch(`/v1/products/${productId}`, { name: 'Renamed' })
      const list = (await api.get('/v1/events')).json()
      assert.deepEqual(list.data.map((e: any) => e.type), ['product.updated', 'product.created'])
      assert.equal(list.data[0].data.name, 'Renamed')
      const filtered = (await api.get('/v1/events?type=product.created')).json()
      assert.deepEqual(filtered.data.map((e: any) => e.data.id), [productId])
      const page = (await api.get('/v1/events?limit=1')).json()
      assert.equal(page.has_more, true)
      assert.equal((await api.get(`/v1/events?limit=1&cursor=${page.next_cursor}`)).json().data[0].type, 'product.created')
      problem(await live.get(`/v1/events/${list.data[0].id}`), 404, 'not_found')
      problem(await (await shop()).api.get(`/v1/events/${list.data[0].id}`), 404, 'not_found')
      assert.ok(problem(await api.get('/v1/events?type=order.shipped'), 422, 'unprocessable').errors?.type)
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
      assert.ok(mail.body_text.includes(endpoint.id))
      const count = receiver.received.length
      await new Promise((resolve) => setTimeout(resolve, 1500))
      assert.equal(receiver.received.length, count, 'nothing after it was disabled')
    })
  })
}
