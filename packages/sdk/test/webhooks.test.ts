// verifyWebhook against real deliveries: sx POSTs events to a loopback receiver, and the SDK
// checks what arrived, byte for byte, under either scheme, and refuses what was tampered with.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createClient, verifyWebhook, WebhookVerificationError, type SxClient } from '../src/index.ts'
import { DIALECTS, startReceiver, startSx, waitFor, type Delivery } from './servers.ts'

/** The headers of one scheme only, as a receiver behind a proxy that drops the other would see them. */
const STANDARD = ['webhook-id', 'webhook-timestamp', 'webhook-signature']
const LEGACY = ['x-webhook-timestamp', 'x-signature']
const only = (delivery: Delivery, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, delivery.headers[name] as string]))

const refused = (code: string) => (error: unknown) => error instanceof WebhookVerificationError && error.code === code

for (const dialect of DIALECTS) {
  describe(`${dialect}: @sx/sdk verifyWebhook`, { timeout: 180_000 }, () => {
    let server: Awaited<ReturnType<typeof startSx>>
    let sx: SxClient
    before(async () => {
      server = await startSx(dialect)
      sx = createClient({ baseUrl: server.baseUrl, apiKey: server.apiKey })
    })
    after(() => server?.stop())

    /** A receiver and an endpoint of this shop pointing at it. */
    async function endpoint(events: ('product.created' | '*')[]) {
      const receiver = await startReceiver()
      const webhook = await sx.POST('/v1/webhooks', { body: { url: `${receiver.url}/hook`, events } })
      assert.ok(webhook.signing_secret)
      return { receiver, webhook, secret: webhook.signing_secret }
    }

    it('returns the event of a real delivery, checked by either scheme', async () => {
      const { receiver, secret } = await endpoint(['product.created'])
      const product = await sx.POST('/v1/products', {
        body: { name: `hooked ${Date.now()}`, type: 'physical', price_cents: 100, currency: 'USD' },
      })
      await waitFor(() => receiver.deliveries.length > 0, 'the product.created delivery')
      const delivery = receiver.deliveries[0]!
      const event = await verifyWebhook({ secret, headers: delivery.headers, body: delivery.body })
      assert.equal(event.type, 'product.created')
      assert.equal((event.data as { id: string }).id, product.id)
      // Each scheme alone suffices, from a Headers object or a plain record, and a byte body works too.
      await verifyWebhook({ secret, headers: new Headers(only(delivery, STANDARD)), body: delivery.body })
      await verifyWebhook({ secret, headers: only(delivery, LEGACY), body: new TextEncoder().encode(delivery.body) })
    })

    it('refuses a tampered body, an old timestamp, a wrong secret and missing headers', async () => {
      const { receiver, webhook, secret } = await endpoint(['*'])
      await sx.POST('/v1/webhooks/{id}/test', { params: { path: { id: webhook.id } } })
      const delivery = receiver.deliveries[0]!
      const sentAt = Number(delivery.headers['webhook-timestamp'])
      const { headers, body } = delivery
      assert.equal((await verifyWebhook({ secret, headers, body })).id, delivery.headers['webhook-id'])

      const tampered = body.replace(/"type":"[^"]*"/, '"type":"order.paid"')
      assert.notEqual(tampered, body)
      await assert.rejects(verifyWebhook({ secret, headers, body: tampered }), refused('bad_signature'))
      for (const names of [STANDARD, LEGACY])
        await assert.rejects(
          verifyWebhook({ secret, headers: only(delivery, names), body: tampered }),
          refused('bad_signature'),
        )
      // The default window is 5 minutes either way; a replay later than that is refused even when signed.
      const later = (seconds: number) => new Date((sentAt + seconds) * 1000)
      await verifyWebhook({ secret, headers, body, now: later(300) })
      await assert.rejects(
        verifyWebhook({ secret, headers, body, now: later(301) }),
        refused('timestamp_out_of_window'),
      )
      await assert.rejects(
        verifyWebhook({ secret, headers, body, now: later(-301) }),
        refused('timestamp_out_of_window'),
      )
      await verifyWebhook({ secret, headers, body, now: later(3600), toleranceSeconds: 3600 })

      const stranger = (await endpoint(['*'])).secret
      await assert.rejects(verifyWebhook({ secret: stranger, headers, body }), refused('bad_signature'))
      await assert.rejects(verifyWebhook({ secret, headers: {}, body }), refused('missing_header'))
      await assert.rejects(
        verifyWebhook({ secret, headers: { ...only(delivery, LEGACY), 'x-webhook-timestamp': 'soon' }, body }),
        refused('bad_timestamp'),
      )
    })

    it('during a rotation the old and the new secret both verify, and an unrelated one does not', async () => {
      const { receiver, webhook, secret: oldSecret } = await endpoint(['*'])
      await sx.POST('/v1/webhooks/{id}/test', { params: { path: { id: webhook.id } } })
      const rotated = await sx.POST('/v1/webhooks/{id}/rotate_secret', { params: { path: { id: webhook.id } } })
      const newSecret = rotated.signing_secret!
      assert.notEqual(newSecret, oldSecret)
      await sx.POST('/v1/webhooks/{id}/test', { params: { path: { id: webhook.id } } })
      const [before, during] = receiver.deliveries as [Delivery, Delivery]
      const unrelated = (await endpoint(['*'])).secret

      for (const secret of [oldSecret, newSecret]) await verifyWebhook({ secret, ...during })
      await verifyWebhook({ secrets: [unrelated, newSecret], ...during })
      await verifyWebhook({ secrets: [unrelated, oldSecret], ...before })
      // A delivery signed before the rotation carries only the old secret's signature.
      await assert.rejects(verifyWebhook({ secret: newSecret, ...before }), refused('bad_signature'))
      await assert.rejects(verifyWebhook({ secrets: [unrelated], ...during }), refused('bad_signature'))
    })
  })
}
