// Webhooks end to end through HTTP: endpoints, signed deliveries checked by the public
// `standardwebhooks` verifier and by hand, every event type, filters and fan-out, SSRF refusals.
// Rotation, pings, the events API and manual retries: webhooks.api.test.ts; retries and failures:
// webhooks.retries.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { newProduct, order, settle } from './orders-helpers.ts'
import { MONEY_ENV, paidOrder, payout, refund, settledPayout, settledRefund } from './money-helpers.ts'
import { waitFor } from './processes.ts'
import { deliveries, startReceiver, subscribe, verifies } from './webhook-helpers.ts'

// The default WEBHOOK_TIMEOUT_MS (10 s): a shorter one times sends out on a loaded machine, and
// the tests here count what receivers got once the worker is drained.
const FAST = { ...MONEY_ENV, WEBHOOK_RETRY_DELAYS: '1,1,1', DYNAMIC_RETRY_DELAYS: '0' }

for (const dialect of DIALECTS) {
  describe(`${dialect}: webhooks`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, FAST)
    })
    after(() => env.close())

    const shop = async () => {
      const made = await env.newShop()
      return { made, api: client(env.app, made.keys.test), live: client(env.app, made.keys.live) }
    }

    it('creates, reads, lists, updates and deletes endpoints; the secret is shown on create only', async () => {
      const { api } = await shop()
      const created = await subscribe(api, 'http://127.0.0.1:9/hook', ['order.paid', 'product.*'])
      assert.match(created.signing_secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
      assert.equal(Buffer.from(created.signing_secret.slice(6), 'base64').length, 32)
      assert.deepEqual(
        { ...created, signing_secret: undefined, id: undefined, created_at: undefined, updated_at: undefined },
        {
          url: 'http://127.0.0.1:9/hook',
          events: ['order.paid', 'product.*'],
          description: 'test receiver',
          status: 'active',
          disabled_reason: null,
          livemode: false,
          previous_secret_expires_at: null,
          signing_secret: undefined,
          id: undefined,
          created_at: undefined,
          updated_at: undefined,
        },
      )
      const read = (await api.get(`/v1/webhooks/${created.id}`)).json()
      assert.equal(read.signing_secret, undefined)
      assert.equal((await api.get('/v1/webhooks')).json().data[0].signing_secret, undefined)

      const patched = await api.patch(`/v1/webhooks/${created.id}`, {
        events: ['*'],
        status: 'disabled',
        description: null,
      })
      assert.equal(patched.statusCode, 200, patched.body)
      assert.deepEqual(
        [patched.json().events, patched.json().status, patched.json().description],
        [['*'], 'disabled', null],
      )

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
        assert.ok(
          Object.keys(errors).some((key) => key === field || key.startsWith(`${field}.`)) ||
            res.json().detail.includes(field),
          `${field}: ${res.body}`,
        )
      }
      problem(await api.patch('/v1/webhooks/wh_01J2PVT0KZ8Q2ZP6V1H3M9TE4X', { status: 'active' }), 404, 'not_found')
      assert.equal((await api.get('/v1/webhooks')).json().data.length, 0, 'nothing half-written')
    })

    it('refuses private, loopback and metadata addresses in live mode, and private ones in test mode (webhooks and dynamic_url)', async () => {
      const { api, live } = await shop()
      for (const url of [
        'http://93.184.216.34/hook',
        'https://127.0.0.1/hook',
        'https://10.1.2.3/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/hook',
        'https://[fd00:ec2::254]/hook',
        'https://localhost/hook',
        'https://api.localhost/hook',
        'https://[::ffff:10.0.0.1]/hook',
      ]) {
        assert.ok(
          problem(await live.post('/v1/webhooks', { url, events: ['*'] }), 422, 'unprocessable').errors?.url,
          url,
        )
      }
      for (const url of [
        'http://10.1.2.3/hook',
        'http://169.254.169.254/latest',
        'http://192.168.1.10/hook',
        'http://[fe80::1]/hook',
      ]) {
        assert.ok(
          problem(await api.post('/v1/webhooks', { url, events: ['*'] }), 422, 'unprocessable').errors?.url,
          url,
        )
      }
      assert.equal(
        (await live.post('/v1/webhooks', { url: 'https://93.184.216.34/hook', events: ['*'] })).statusCode,
        201,
      )
      assert.equal((await api.post('/v1/webhooks', { url: 'http://localhost:9/hook', events: ['*'] })).statusCode, 201)
      const created = await subscribe(live, 'https://93.184.216.34/ok')
      assert.ok(
        problem(await live.patch(`/v1/webhooks/${created.id}`, { url: 'https://127.0.0.1/x' }), 422, 'unprocessable')
          .errors?.url,
      )

      // Dynamic products' delivery endpoints follow the same rules.
      for (const [key, url] of [
        [live, 'https://10.0.0.7/codes'],
        [live, 'https://localhost/codes'],
        [api, 'http://169.254.169.254/codes'],
      ] as const) {
        assert.ok(
          problem(
            await key.post('/v1/products', sampleProduct({ type: 'dynamic', dynamic_url: url })),
            422,
            'unprocessable',
          ).errors?.dynamic_url,
          url,
        )
      }
      assert.equal(
        (
          await live.post(
            '/v1/products',
            sampleProduct({ type: 'dynamic', dynamic_url: 'https://93.184.216.34/codes' }),
          )
        ).statusCode,
        201,
      )
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
      assert.deepEqual(
        (await api.get(`/v1/events/${event.id}`)).json(),
        event,
        'the body is the event as the API shows it',
      )
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

      assert.deepEqual(
        verifies(endpoint.signing_secret, {
          ...request!,
          body: request!.body.replace(productId, 'prod_01J2PVT0KZ8Q2ZP6V1H3M9TE4X'),
        }),
        { standard: false, x: false },
        'tampered body',
      )
      const stale = String(Number(h['webhook-timestamp']) - 600)
      assert.deepEqual(
        verifies(endpoint.signing_secret, {
          ...request!,
          headers: { ...h, 'webhook-timestamp': stale, 'x-webhook-timestamp': stale },
        }),
        { standard: false, x: false },
        'stale timestamp',
      )
      assert.equal(
        verifies(endpoint.signing_secret, request!, Number(h['webhook-timestamp']) + 600).x,
        false,
        'replayed 10 minutes later',
      )
      assert.deepEqual(
        verifies('whsec_' + Buffer.alloc(32, 7).toString('base64'), request!),
        { standard: false, x: false },
        'another secret',
      )

      // The outcome is recorded just after the receiver answered.
      await waitFor(async () => (await deliveries(api, endpoint.id)).length === 1, 'the logged attempt')
      const [attempt] = await deliveries(api, endpoint.id)
      assert.deepEqual(
        { ...attempt, id: undefined, duration_ms: undefined, created_at: undefined },
        {
          id: undefined,
          webhook_id: endpoint.id,
          event_id: event.id,
          event_type: 'product.created',
          attempt: 1,
          trigger: 'scheduled',
          status: 'succeeded',
          response_code: 200,
          error: null,
          response_excerpt: 'ok',
          duration_ms: undefined,
          next_retry_at: null,
          created_at: undefined,
        },
      )
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
      // Everything due is sent and answered: what each receiver has now is all it will get.
      await env.drain()
      assert.deepEqual(
        all
          .events()
          .map((e) => e.type)
          .sort(),
        [...expected].sort(),
      )
      assert.deepEqual(
        paid.events().map((e) => [e.type, e.data.id]),
        [['order.paid', placed.id]],
      )
      assert.deepEqual(
        products.events().map((e) => e.type),
        ['product.created'],
      )
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
      await settledPayout(
        api,
        (await payout(api, { amount_cents: 1000, destination_address: 'TMFPZCfWVnWFcyJxDc3QEhAvdBCE7mFdS8' })).json()
          .id,
      )
      const unreachable = await newProduct(api, { type: 'dynamic', dynamic_url: 'http://127.0.0.1:9/codes' })
      const failing = await order(api, [{ product_id: unreachable, qty: 1 }])
      await api.post(`/v1/test_helpers/orders/${failing.id}/pay`, {})
      await settle(api, failing.id)
      const types = [
        'product.created',
        'product.updated',
        'product.deleted',
        'customer.created',
        'order.paid',
        'order.delivered',
        'order.refunded',
        'order.failed',
        'payout.queued',
        'payout.broadcast',
        'payout.confirmed',
        'payout.failed',
      ]
      await waitFor(
        () => types.every((type) => receiver.events().some((e) => e.type === type)),
        `every event type (got ${[...new Set(receiver.events().map((e) => e.type))]})`,
      )
      for (const [index, event] of receiver.events().entries()) {
        assert.deepEqual(
          verifies(endpoint.signing_secret, receiver.received[index]!),
          { standard: true, x: true },
          event.type,
        )
        assert.deepEqual((await api.get(`/v1/events/${event.id}`)).json(), event, event.type)
      }
      for (const event of receiver.events().filter((e) => e.type.startsWith('payout.'))) {
        assert.equal(`payout.${event.data.status}`, event.type, 'each payout event carries the payout in that state')
      }
    })
  })
}
