// Bad orders get field errors and leave nothing behind; real mail reaches a real SMTP server.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, client, json, present, problem, startTestEnv, type List, type TestEnv } from './harness.ts'
import { NO_LIMITS, SHIP_TO, newProduct, order, settle } from './orders-helpers.ts'
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts'
import { createSandboxProvider, type PaymentProvider } from '../src/modules/payments/index.ts'
import { connect } from '../src/db/connect.ts'
import type { Db } from '../src/db/database.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: order errors and mail`, () => {
    let env: TestEnv
    let smtp: SmtpSink
    before(async () => {
      smtp = await startSmtpSink()
      env = await startTestEnv(dialect, {
        ...NO_LIMITS,
        SMTP_URL: smtp.url,
        PUBLIC_URL: 'https://shop.example',
        FILE_BODY_LIMIT_BYTES: '2048',
      })
    })
    after(async () => {
      await env.close()
      await smtp.close()
    })

    it('refuses bad orders with field errors and writes nothing', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const keys = await newProduct(api, {}, ['K1'])
      const euro = await newProduct(api, { name: 'Euro key', currency: 'EUR' }, ['E1'])
      const draft = await newProduct(api, { name: 'Draft', status: 'draft' }, ['D1'])
      const poster = await newProduct(api, { type: 'physical', name: 'Poster', stock: 3 })
      const plan = await newProduct(api, { type: 'subscription', name: 'Plan' })
      const foreign = await newProduct(client(env.app, (await env.newShop()).keys.test), {}, ['F1'])
      const live = await newProduct(client(env.app, shop.keys.live), { name: 'Live key' }, ['L1'])
      const line = (product_id: string, qty = 1) => [{ product_id, qty }]
      const cases: [Record<string, unknown>, string, number?][] = [
        [{ customer_email: 'not-an-email', items: line(keys) }, 'customer_email'],
        [{ customer_email: 'a@b.co', items: [] }, 'items'],
        [{ customer_email: 'a@b.co', items: line(keys, 0) }, 'items.0.qty'],
        [{ customer_email: 'a@b.co', items: line(keys, 101) }, 'items.0.qty'],
        [{ customer_email: 'a@b.co', items: line('prod_00000000000000000000000000') }, 'items.0.product_id'],
        [{ customer_email: 'a@b.co', items: line(foreign) }, 'items.0.product_id'],
        [{ customer_email: 'a@b.co', items: line(live) }, 'items.0.product_id'],
        [{ customer_email: 'a@b.co', items: line(draft) }, 'items.0.product_id'],
        [{ customer_email: 'a@b.co', items: [...line(keys), ...line(keys)] }, 'items.1.product_id'],
        [{ customer_email: 'a@b.co', items: [...line(keys), ...line(euro)] }, 'items'],
        [{ customer_email: 'a@b.co', items: line(poster) }, 'shipping_address'],
        [{ customer_email: 'a@b.co', items: line(keys), shipping_address: SHIP_TO }, 'shipping_address'],
        [
          { customer_email: 'a@b.co', items: line(poster), shipping_address: { ...SHIP_TO, country: 'usa' } },
          'shipping_address.country',
        ],
        [
          { customer_email: 'a@b.co', items: line(poster), shipping_address: { ...SHIP_TO, planet: 'Mars' } },
          'shipping_address.planet',
        ],
        [{ customer_email: 'a@b.co', items: line(plan, 2) }, 'items.0.qty'],
        [{ customer_email: 'a@b.co', items: line(keys), chain: 'bitcoin', asset: 'USDT' }, 'asset'],
        [{ customer_email: 'a@b.co', items: line(keys), chain: 'tron' }, 'asset'],
        [{ customer_email: 'a@b.co', items: line(keys), chain: 'dogechain', asset: 'DOGE' }, 'chain'],
        [{ customer_email: 'a@b.co', items: line(keys), coupon: 'FREE' }, 'coupon'],
        [{ items: line(keys) }, 'customer_email', 400],
      ]
      for (const [body, field, status = 422] of cases) {
        const res = await api.post('/v1/orders', body)
        const body422 = problem(res, status, status === 400 ? 'invalid_request' : 'unprocessable')
        assert.ok(body422.errors?.[field], `${field}: ${res.body}`)
      }
      // The sandbox quotes USD, EUR and GBP only: another currency cannot be invoiced, and keeps nothing.
      const yen = await newProduct(api, { name: 'Yen key', currency: 'JPY', price_cents: 1000 }, ['Y1'])
      assert.ok(
        problem(await api.post('/v1/orders', { customer_email: 'a@b.co', items: line(yen) }), 422, 'unprocessable')
          .errors?.asset,
      )
      assert.equal((await api.get(`/v1/products/${yen}`)).json().stock, 1)
      const soldOut = problem(
        await api.post('/v1/orders', { customer_email: 'a@b.co', items: line(keys, 2) }),
        409,
        'conflict',
      )
      assert.match(soldOut.detail, /sold out.*Only 1 left/)
      // A sold-out second line rolls back the first line's reservation.
      problem(
        await api.post('/v1/orders', {
          customer_email: 'a@b.co',
          items: [...line(keys), { product_id: poster, qty: 4 }],
          shipping_address: SHIP_TO,
        }),
        409,
        'conflict',
      )
      assert.equal((await api.get(`/v1/products/${keys}`)).json().stock, 1)
      assert.equal((await api.get(`/v1/products/${poster}`)).json().stock, 3)
      assert.deepEqual(
        json<List<Order>>(await api.get('/v1/orders')).data.map((o) => [o.status, o.failure_reason]),
        [['failed', 'provider_unavailable']],
        'only the order the provider refused, failed',
      )
      problem(await api.get('/v1/orders?from=yesterday'), 422, 'unprocessable')
      problem(await api.get('/v1/orders/ord_00000000000000000000000000'), 404, 'not_found')
    })

    it('refuses bad file uploads and keeps nothing of them', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const file = await newProduct(api, { type: 'file_download', name: 'Ebook' })
      const keys = await newProduct(api, {})
      const put = (id: string, query: string, payload: Buffer, secret = shop.keys.test) =>
        env.app.inject({
          method: 'PUT',
          url: `/v1/products/${id}/file${query}`,
          payload,
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/octet-stream' },
        })
      problem(await put(file, '?filename=big.bin', Buffer.alloc(4096, 1)), 413, 'payload_too_large')
      assert.ok(problem(await put(file, '', Buffer.from('x')), 422, 'unprocessable').errors?.filename)
      assert.ok(
        problem(await put(file, '?filename=../../etc/passwd', Buffer.from('x')), 422, 'unprocessable').errors?.filename,
      )
      assert.ok(problem(await put(file, '?filename=empty.bin', Buffer.alloc(0)), 422, 'unprocessable').errors?.body)
      assert.ok(problem(await put(keys, '?filename=a.bin', Buffer.from('x')), 422, 'unprocessable').errors?.type)
      problem(await put(file, '?filename=a.bin', Buffer.from('x'), shop.keys.live), 404, 'not_found')
      assert.equal((await api.get(`/v1/products/${file}`)).json().file, null)
      const { readdirSync } = await import('node:fs')
      assert.deepEqual(readdirSync(`${env.services.config.dataDir}/files/tmp`), [], 'no partial upload is left behind')
      assert.equal(
        (await put(file, '?filename=ok.bin', Buffer.alloc(2048, 7))).statusCode,
        200,
        'exactly the limit is fine',
      )
    })

    it('filters orders by status and inclusive dates', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const plan = await newProduct(api, { type: 'subscription', name: 'Plan' })
      const a = await order(api, [{ product_id: plan, qty: 1 }])
      const b = await order(api, [{ product_id: plan, qty: 1 }])
      await api.post(`/v1/test_helpers/orders/${b.id}/pay`, {})
      await settle(api, b.id)
      const today = new Date().toISOString().slice(0, 10)
      const ids = async (query: string) => json<List<Order>>(await api.get(`/v1/orders${query}`)).data.map((o) => o.id)
      assert.deepEqual(await ids(''), [b.id, a.id])
      assert.deepEqual(await ids('?status=awaiting_payment'), [a.id])
      assert.deepEqual(await ids('?status=completed'), [b.id])
      assert.deepEqual(await ids(`?from=${today}&to=${today}`), [b.id, a.id])
      assert.deepEqual(await ids('?to=2000-01-01'), [])
      const page = (await api.get('/v1/orders?limit=1')).json()
      assert.deepEqual(
        json<List<Order>>(await api.get(`/v1/orders?limit=1&cursor=${page.next_cursor}`)).data.map((o) => o.id),
        [a.id],
      )
    })

    it('emails the buyer through SMTP: payment instructions, then the keys; resend sends them again', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const product = await newProduct(api, {}, ['MAIL-KEY-42'])
      const o = await order(api, [{ product_id: product, qty: 1 }], { customer_email: 'mailme@example.com' })
      const confirmation = await smtp.waitFor(
        (m) =>
          m.to.includes('mailme@example.com') && m.text.includes(present(o.payment.address, 'the payment address')),
      )
      assert.ok(confirmation.text.includes(present(o.payment.amount, 'the payment amount')))
      assert.ok(confirmation.text.includes(o.checkout_url), 'the page link uses PUBLIC_URL')
      assert.match(o.checkout_url, /^https:\/\/shop\.example\/o\//)
      await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})
      await settle(api, o.id)
      await smtp.waitFor((m) => m.to.includes('mailme@example.com') && m.text.includes('MAIL-KEY-42'))
      const resent = await api.post(`/v1/orders/${o.id}/resend`, {})
      assert.equal(resent.statusCode, 200, resent.body)
      assert.deepEqual(
        { ...(resent.json() as object), sent_at: undefined },
        { sent_at: undefined, recipient: 'mailme@example.com', delivery_kind: 'license_key' },
      )
      // The mail job has run and the SMTP server has answered: exactly one more mail with the key.
      await env.drain()
      const withKey = smtp.messages.filter((m) => m.text.includes('MAIL-KEY-42'))
      assert.equal(withKey.length, 2, 'the delivery mail and its resend')
      assert.ok(withKey.every((m) => m.to.includes('mailme@example.com')))
    })
  })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: payment provider outage`, () => {
    let env: TestEnv
    const failing: PaymentProvider = {
      id: 'sandbox',
      invoicing: 'remote',
      createInvoice: async () => ({ ok: false, retryable: true, reason: 'gateway timeout' }),
    }
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS, { payments: { sandbox: failing, live: null } })
    })
    after(() => env.close())

    it('answers 503, fails the order and gives its stock back; a retry with the same key runs again', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const product = await newProduct(api, {}, ['KEEP-ME'])
      const body = { customer_email: 'a@b.co', items: [{ product_id: product, qty: 1 }] }
      const first = await api.post('/v1/orders', body, { 'idempotency-key': 'outage-1' })
      assert.match(problem(first, 503, 'unavailable').detail, /gateway timeout/)
      assert.equal(first.headers['retry-after'], '5')
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 1, 'the reservation was released')
      const [failed] = (await api.get('/v1/orders')).json().data
      assert.deepEqual([failed.status, failed.failure_reason], ['failed', 'provider_unavailable'])
      const retry = await api.post('/v1/orders', body, { 'idempotency-key': 'outage-1' })
      problem(retry, 503, 'unavailable')
      assert.equal(retry.headers['idempotent-replayed'], undefined, 'a 5xx is not stored: the retry ran')
      assert.equal((await api.get('/v1/orders')).json().data.length, 2)
    })
  })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: where the invoice is made`, () => {
    let env: TestEnv
    let peek: Db
    /** What another connection saw of the order while its invoice was being made. */
    const seen: (string | null)[] = []
    const sandbox = createSandboxProvider()
    const probe: { -readonly [K in keyof PaymentProvider]: PaymentProvider[K] } = {
      ...sandbox,
      async createInvoice(request) {
        const row = await peek
          .selectFrom('orders')
          .select('status')
          .where('id', '=', request.orderId)
          .executeTakeFirst()
        seen.push(row?.status ?? null)
        return sandbox.createInvoice(request)
      },
    }
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS, { payments: { sandbox: probe, live: null } })
      peek = connect(env.dbUrl).db
    })
    after(async () => {
      await peek.destroy()
      await env.close()
    })

    for (const kind of ['in_process', 'remote'] as const) {
      it(`${kind}: the order is ${kind === 'remote' ? 'committed pending first' : 'made in one transaction'}, and ends the same`, async () => {
        probe.invoicing = kind
        seen.length = 0
        const api = client(env.app, (await env.newShop()).keys.test)
        const product = await newProduct(api, {}, ['INVOICED-1'])
        const made = await order(api, [{ product_id: product, qty: 1 }], { customer_email: 'kind@example.com' })
        assert.deepEqual(seen, [kind === 'remote' ? 'pending' : null])
        assert.equal(made.status, 'awaiting_payment')
        assert.ok(made.payment.address && made.payment.amount, 'the invoice is attached')
        assert.equal((await api.get(`/v1/orders/${made.id}`)).json<Order>().status, 'awaiting_payment')
        const mails = await env.services.db.selectFrom('mails').select('kind').where('order_id', '=', made.id).execute()
        assert.deepEqual(mails, [{ kind: 'confirmation' }], 'one confirmation mail queued')
        assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 0)
      })
    }
  })
}
