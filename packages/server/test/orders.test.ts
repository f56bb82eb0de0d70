// Order journeys through the HTTP API, one per product type: order → sandbox payment → the job
// worker delivers → the order shows the goods. Payments, fulfilment and expiry: orders.payments.test.ts.
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage } from 'node:http'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import type { Customer } from '../src/modules/customers/customers.schemas.ts'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import {
  DIALECTS,
  client,
  json,
  present,
  problem,
  sampleProduct,
  startTestEnv,
  type List,
  type TestEnv,
} from './harness.ts'
import { addInterval } from '../src/modules/delivery/intervals.ts'
import { verifyXSignature } from '../src/platform/signing.ts'
import { waitFor } from './processes.ts'
import { NO_LIMITS, SHIP_TO, eventsOf, newProduct, order, settle } from './orders-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: orders`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, DYNAMIC_RETRY_DELAYS: '0,0' })
    })
    after(() => env.close())

    it('license_key: reserves at once, delivers the reserved keys once paid, and records events and mail', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, {}, ['KEY-1', 'KEY-2', 'KEY-3'])
      const created = await order(api, [{ product_id: product, qty: 2 }])
      assert.equal(created.status, 'awaiting_payment')
      assert.equal(created.total_cents, 25800)
      assert.equal(created.customer_email, 'buyer@example.com')
      assert.deepEqual(created.items, [
        {
          product_id: product,
          product: 'Adobe Creative Cloud Key',
          type: 'license_key',
          qty: 2,
          unit_price_cents: 12900,
          subtotal_cents: 25800,
        },
      ])
      assert.deepEqual(
        { ...created.payment, address: undefined, expires_at: undefined },
        {
          provider: 'sandbox',
          chain: 'tron',
          asset: 'USDT',
          address: undefined,
          amount: '258.000000',
          amount_paid: '0.000000',
          amount_remaining: '258.000000',
          overpaid_amount: '0.000000',
          status: 'new',
          tx_hash: null,
          expires_at: undefined,
        },
      )
      assert.match(present(created.payment.address, 'the address'), /^T[1-9A-HJ-NP-Za-km-z]{33}$/)
      assert.match(created.checkout_url, /^http:\/\/127\.0\.0\.1:3000\/o\/[0-9A-Za-z]{32}$/)
      assert.equal(created.delivery.state, 'pending')
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 1, 'two keys are reserved at once')

      const paid = await api.post(`/v1/test_helpers/orders/${created.id}/pay`, {})
      assert.equal(paid.statusCode, 200, paid.body)
      assert.ok(['paid', 'delivering', 'completed'].includes(paid.json().status))
      assert.match(paid.json().payment.tx_hash, /^[0-9a-f]{64}$/)
      const done = await settle(api, created.id)
      assert.equal(done.status, 'completed')
      const delivered = done.delivery.items.map((i) => present(i.value, 'a delivered key'))
      assert.equal(new Set(delivered).size, 2)
      assert.ok(delivered.every((v) => ['KEY-1', 'KEY-2', 'KEY-3'].includes(v)))
      assert.equal(done.delivery.state, 'delivered')
      assert.equal(done.delivery.kind, 'license_key')
      assert.ok(done.delivery.delivered_at)
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 1)

      const events = await eventsOf(env, shop.shop.id)
      assert.deepEqual(
        events.filter((e) => !e.type.startsWith('product.')).map((e) => e.type),
        ['customer.created', 'order.paid', 'order.delivered'],
      )
      assert.equal(JSON.parse(events.at(-1)!.data).status, 'completed')
      const customerCreated = JSON.parse(events.find((e) => e.type === 'customer.created')!.data)
      assert.deepEqual(
        { id: customerCreated.id, email: customerCreated.email, orders_count: customerCreated.orders_count },
        { id: created.customer_id, email: 'buyer@example.com', orders_count: 1 },
      )
      await waitFor(
        async () =>
          (
            await env.services.db.selectFrom('mails').select('status').where('order_id', '=', created.id).execute()
          ).every((m) => m.status === 'sent'),
        'mail',
      )
      const mails = await env.services.db
        .selectFrom('mails')
        .select(['kind', 'body_text', 'recipient'])
        .where('order_id', '=', created.id)
        .orderBy('id')
        .execute()
      assert.deepEqual(
        mails.map((m) => m.kind),
        ['confirmation', 'delivery'],
      )
      assert.ok(
        delivered.every((v) => env.services.secretBox.open(mails[1]!.body_text).includes(v)),
        'the delivery mail carries the keys (stored sealed)',
      )
      assert.equal(mails[0]!.recipient, 'buyer@example.com')

      const second = await order(api, [{ product_id: product, qty: 1 }], { customer_email: 'BUYER@example.com' })
      assert.equal(second.customer_id, created.customer_id, 'one customer per email, whatever its case')
      const customer = json<Customer>(await api.get(`/v1/customers/${created.customer_id}`))
      assert.equal(customer.orders_count, 2)
      assert.equal(customer.lifetime_cents, 25800, 'only paid orders count towards lifetime')
      assert.deepEqual(
        customer.orders.map((o) => o.id),
        [second.id, created.id],
      )
      assert.equal((await api.get('/v1/customers')).json().data[0].id, created.customer_id)
    })

    it('account + license_key in one order: both pools deliver, the kind is mixed', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const accounts = await newProduct(api, { type: 'account', name: 'Streaming account' }, [
        'user1:pass1',
        'user2:pass2',
      ])
      const keys = await newProduct(api, { name: 'Game key' }, ['GAME-1'])
      const o = await order(api, [
        { product_id: accounts, qty: 2 },
        { product_id: keys, qty: 1 },
      ])
      assert.equal(o.total_cents, 3 * 12900)
      await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})
      const done = await settle(api, o.id)
      assert.equal(done.delivery.kind, 'mixed')
      assert.deepEqual(done.delivery.items.map((i) => `${i.kind}=${i.value}`).sort(), [
        'account=user1:pass1',
        'account=user2:pass2',
        'license_key=GAME-1',
      ])
    })

    it('physical: takes the stock counter, waits for fulfilment, then completes', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const product = await newProduct(api, { type: 'physical', name: 'Poster', price_cents: 1500, stock: 5 })
      const created = await order(api, [{ product_id: product, qty: 2 }], { shipping_address: SHIP_TO })
      assert.deepEqual(created.shipping_address, SHIP_TO)
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 3)
      assert.equal(
        (await api.post(`/v1/orders/${created.id}/fulfil`, { carrier: 'DHL', tracking_number: 'X1' })).statusCode,
        409,
        'unpaid',
      )
      await api.post(`/v1/test_helpers/orders/${created.id}/pay`, {})
      const waiting = await settle(api, created.id, (o) => o.delivery.state === 'awaiting_fulfilment')
      assert.equal(waiting.status, 'paid')
      const fulfilled = await api.post(`/v1/orders/${created.id}/fulfil`, {
        carrier: 'DHL',
        tracking_number: 'JD014600003',
      })
      assert.equal(fulfilled.statusCode, 200, fulfilled.body)
      assert.equal(fulfilled.json().status, 'completed')
      assert.deepEqual(fulfilled.json().delivery.items, [
        { product_id: product, kind: 'physical', carrier: 'DHL', tracking_number: 'JD014600003' },
      ])
      assert.equal(
        (await api.post(`/v1/orders/${created.id}/fulfil`, { carrier: 'DHL', tracking_number: 'X' })).statusCode,
        409,
        'only once',
      )
    })

    it('file_download: stores the uploaded file and delivers a link good for 5 downloads', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const product = await newProduct(api, { type: 'file_download', name: 'Guide' })
      problem422(
        await api.post('/v1/orders', { customer_email: 'a@b.co', items: [{ product_id: product, qty: 1 }] }),
        'items.0.product_id',
      )
      const bytes = Buffer.from('%PDF-1.7 not really a pdf \u0000\u0001 binary')
      const upload = await env.app.inject({
        method: 'PUT',
        url: `/v1/products/${product}/file?filename=guide.pdf`,
        payload: bytes,
        headers: { authorization: `Bearer ${api.secret}`, 'content-type': 'application/pdf' },
      })
      assert.equal(upload.statusCode, 200, upload.body)
      assert.deepEqual(upload.json().file, {
        name: 'guide.pdf',
        size: bytes.length,
        sha256: (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'),
      })
      const created = await order(api, [{ product_id: product, qty: 1 }])
      await api.post(`/v1/test_helpers/orders/${created.id}/pay`, {})
      const done = await settle(api, created.id)
      const [item] = done.delivery.items
      assert.ok(item)
      assert.equal(item.max_downloads, 5)
      const path = new URL(present(item.url, 'the download url')).pathname
      for (let i = 0; i < 5; i++) {
        const download = await env.app.inject({ method: 'GET', url: path })
        assert.equal(download.statusCode, 200)
        assert.deepEqual(download.rawPayload, bytes)
        assert.match(String(download.headers['content-disposition']), /filename="guide\.pdf"/)
      }
      assert.equal(
        (await env.app.inject({ method: 'GET', url: path })).statusCode,
        404,
        'the sixth download is refused',
      )
    })

    it('dynamic: asks the merchant endpoint with a signed request; a failing endpoint fails the order until redelivered', async () => {
      let healthy = false
      const seen: { headers: IncomingMessage['headers']; body: string }[] = []
      const merchant = createServer((req, res) => {
        let body = ''
        req
          .on('data', (c) => (body += c))
          .on('end', () => {
            seen.push({ headers: req.headers, body })
            if (!healthy) return res.writeHead(500).end('down')
            const { qty } = JSON.parse(body)
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ items: Array.from({ length: qty }, (_, i) => `GIFT-${i}`) }))
          })
      })
      await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve))
      after(() => merchant.close())
      const url = `http://127.0.0.1:${(merchant.address() as { port: number }).port}/deliver`
      const api = client(env.app, (await env.newShop()).keys.test)
      const created = await api.post(
        '/v1/products',
        sampleProduct({ type: 'dynamic', name: 'Gift card', dynamic_url: url }),
      )
      assert.match(created.json().signing_secret, /^whsec_/)
      assert.equal(
        (await api.get(`/v1/products/${created.json().id}`)).json().signing_secret,
        undefined,
        'the secret is shown once',
      )
      const o = await order(api, [{ product_id: created.json().id, qty: 2 }])
      await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})
      const failed = await settle(api, o.id)
      assert.equal(failed.status, 'failed')
      assert.equal(failed.failure_reason, 'delivery_failed')
      assert.equal(seen.length, 3, 'DYNAMIC_RETRY_DELAYS=0,0 means three attempts')

      healthy = true
      const again = await api.post(`/v1/orders/${o.id}/redeliver`, {})
      assert.equal(again.statusCode, 200, again.body)
      const done = await settle(api, o.id, (x) => x.status === 'completed')
      assert.deepEqual(
        done.delivery.items.map((i) => i.value),
        ['GIFT-0', 'GIFT-1'],
      )
      const last = seen.at(-1)!
      assert.equal(last.headers['idempotency-key'], `${o.id}:1`)
      assert.ok(
        seen.every((s) => s.headers['idempotency-key'] === `${o.id}:1`),
        'every attempt carries the same key',
      )
      assert.ok(
        verifyXSignature(
          created.json().signing_secret,
          String(last.headers['x-signature']),
          String(last.headers['x-webhook-timestamp']),
          last.body,
          Math.floor(Date.now() / 1000),
        ),
      )
      assert.deepEqual(JSON.parse(last.body), {
        order_id: o.id,
        product_id: created.json().id,
        qty: 2,
        customer_email: 'buyer@example.com',
        livemode: false,
      })
      assert.equal(
        (await api.post(`/v1/orders/${o.id}/redeliver`, {})).statusCode,
        409,
        'a completed order is not redelivered',
      )
    })

    it('subscription: grants a period, and the renewal order extends it from its end', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, {
        type: 'subscription',
        name: 'Pro plan',
        price_cents: 900,
        interval: 'month',
      })
      const first = await order(api, [{ product_id: product, qty: 1 }])
      await api.post(`/v1/test_helpers/orders/${first.id}/pay`, {})
      const done = await settle(api, first.id)
      const period = done.delivery.items[0]
      assert.ok(period?.period_start && period.period_end, 'the period is delivered')
      assert.equal(Date.parse(period.period_start), Date.parse(present(done.paid_at, 'paid_at')))
      assert.equal(
        period.period_end,
        new Date(addInterval(Date.parse(period.period_start), 'month')).toISOString(),
        'one calendar month',
      )
      const renewal = await env.services.db
        .selectFrom('jobs')
        .select('run_at')
        .where('kind', '=', 'subscription.renew')
        .where('ref', '=', first.id)
        .executeTakeFirstOrThrow()
      assert.equal(
        Number(renewal.run_at),
        Date.parse(period.period_end) - 3 * 86_400_000,
        'renewal is invoiced 3 days before the period ends',
      )
      // Time passes: the renewal job comes due.
      await env.services.db
        .updateTable('jobs')
        .set({ run_at: Date.now() })
        .where('kind', '=', 'subscription.renew')
        .where('ref', '=', first.id)
        .execute()
      env.services.jobs.nudge()
      let latest: Order | undefined
      // Checkout shows the order `pending` until its invoice is attached (a moment later).
      await waitFor(
        async () =>
          (latest = json<List<Order>>(await api.get('/v1/orders?limit=1')).data[0]) !== undefined &&
          latest.id !== first.id &&
          latest.status !== 'pending',
        'the renewal order with its invoice',
      )
      const next = present(latest, 'the renewal order')
      assert.equal(next.status, 'awaiting_payment')
      await waitFor(
        async () =>
          !!(await env.services.db
            .selectFrom('mails')
            .select('id')
            .where('order_id', '=', next.id)
            .where('kind', '=', 'renewal')
            .where('status', '=', 'sent')
            .executeTakeFirst()),
        'the renewal mail',
      )
      await api.post(`/v1/test_helpers/orders/${next.id}/pay`, {})
      const renewed = await settle(api, next.id)
      assert.equal(
        renewed.delivery.items[0]?.period_start,
        period.period_end,
        'the new period starts where the old one ends',
      )
    })
  })
}

function problem422(res: LightMyRequestResponse, field: string) {
  assert.ok(problem(res, 422, 'unprocessable').errors?.[field], `errors.${field}: ${res.body}`)
}
