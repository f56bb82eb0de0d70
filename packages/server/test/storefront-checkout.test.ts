// The storefront's buy path over HTTP on both dialects: the checkout form (validation errors with
// values kept, the honeypot, the minimum fill time, the unpaid-order limits, a short reservation),
// the cart, the change of payment method and its race, the per-address budget, embed.js, and who
// may frame what.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { applyChainPayment } from '../src/modules/orders/index.ts'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, client, json, startTestEnv, type Client, type List, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct } from './orders-helpers.ts'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** The form's token (and the page it came in). */
async function formToken(env: TestEnv, path: string): Promise<{ page: LightMyRequestResponse; token: string }> {
  const page = await env.app.inject({ method: 'GET', url: path, headers: { accept: 'text/html' } })
  assert.equal(page.statusCode, 200, page.body)
  const token = /name="token" value="([^"]+)"/.exec(page.body)?.[1]
  assert.ok(token, 'the form carries a token')
  return { page, token }
}

function post(app: TestEnv['app'], url: string, fields: [string, string][], headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...FORM, ...headers },
    payload: new URLSearchParams(fields).toString(),
  })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: storefront checkout form`, () => {
    let env: TestEnv
    let api: Client
    let slug: string
    let key: string
    let physical: string
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, STOREFRONT_MIN_FILL_MS: '0' })
      const shop = await env.newShop()
      api = client(env.app, shop.keys.test)
      slug = shop.shop.slug
      key = await newProduct(api, { name: 'Game key', price_cents: 1000 }, ['K-1', 'K-2', 'K-3', 'K-4', 'K-5'])
      physical = await newProduct(api, { name: 'Mug', type: 'physical', price_cents: 1500, stock: 10 })
      await api.post('/v1/coupons', { code: 'TENOFF', percent_off: 10 })
    })
    after(() => env.close())

    it('shows the form with "Email", "Pay with" and "Continue to payment"; errors come back per field with values kept', async () => {
      const { page, token } = await formToken(env, `/s/${slug}/checkout?product=${physical}&qty=2`)
      for (const label of [
        '>Email<',
        '<legend>Pay with</legend>',
        'Continue to payment',
        'Shipping address',
        'Coupon code',
      ])
        assert.ok(page.body.includes(label), label)
      assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/)
      assert.equal(page.headers['x-frame-options'], 'DENY')
      const refused = await post(env.app, `/s/${slug}/checkout`, [
        ['token', token],
        ['product', physical],
        ['qty', '2'],
        ['email', 'not-an-email'],
        ['coupon', 'NOPE'],
        ['method', 'tron:USDT'],
        ['ship_name', 'Ada'],
        ['ship_country', 'usa'],
      ])
      assert.equal(refused.statusCode, 422)
      for (const field of ['email', 'ship_line1', 'ship_city', 'ship_postal_code', 'ship_country'])
        assert.match(refused.body, new RegExp(`data-testid="${field}-error"`), field)
      assert.match(refused.body, /value="not-an-email"/)
      assert.match(refused.body, /value="NOPE"/)
      assert.match(refused.body, /value="Ada"/)
      // The fields right but the coupon unknown: the coupon's own message.
      const coupon = await post(env.app, `/s/${slug}/checkout`, [
        ['token', token],
        ['product', key],
        ['qty', '1'],
        ['email', 'coupon@example.com'],
        ['coupon', 'NOPE'],
        ['method', 'tron:USDT'],
      ])
      assert.equal(coupon.statusCode, 422, coupon.body)
      assert.match(coupon.body, /data-testid="coupon-error"/)
      // A pair the shop does not accept is refused on "Pay with".
      await api.patch('/v1/shop', { payment_methods: { test: [{ chain: 'tron', asset: 'USDT' }] } })
      const method = await post(env.app, `/s/${slug}/checkout`, [
        ['token', token],
        ['product', key],
        ['email', 'm@example.com'],
        ['method', 'ethereum:USDC'],
      ])
      assert.equal(method.statusCode, 422)
      assert.match(method.body, /data-testid="method-error"/)
      await api.patch('/v1/shop', { payment_methods: { test: null } })
    })

    it('places the order through the API checkout (coupon, short reservation, the form fields) and lands on its page', async () => {
      const { token } = await formToken(env, `/s/${slug}/checkout?product=${key}&qty=2`)
      const placed = await post(env.app, `/s/${slug}/checkout`, [
        ['token', token],
        ['product', key],
        ['qty', '2'],
        ['email', 'Buyer@Example.com'],
        ['coupon', 'tenoff'],
        ['method', 'ethereum:USDC'],
        ['website', ''],
      ])
      assert.equal(placed.statusCode, 303, placed.body)
      const location = String(placed.headers.location)
      assert.match(location, /^\/o\/[0-9A-Za-z]+$/)
      const orders = json<List<Order>>(await api.get('/v1/orders')).data
      const order = orders.find((o) => o.checkout_url.endsWith(location))!
      assert.equal(order.customer_email, 'buyer@example.com')
      assert.equal(order.coupon, 'TENOFF')
      assert.equal(order.total_cents, 1800)
      assert.equal(order.payment.chain, 'ethereum')
      assert.equal(order.payment.asset, 'USDC')
      const ttl = Date.parse(order.payment.expires_at) - Date.parse(order.created_at)
      assert.equal(ttl, 600_000, 'form orders hold their stock 10 minutes')
    })

    it('refuses a filled honeypot, a form sent too fast, a forged token and another site’s Origin', async () => {
      const { token } = await formToken(env, `/s/${slug}/checkout?product=${key}`)
      const fields: [string, string][] = [
        ['product', key],
        ['email', 'bot@example.com'],
        ['method', 'tron:USDT'],
      ]
      const honeypot = await post(env.app, `/s/${slug}/checkout`, [
        ['token', token],
        ['website', 'http://spam'],
        ...fields,
      ])
      assert.equal(honeypot.statusCode, 422)
      assert.match(honeypot.body, /faster than a person/)
      const forged = await post(env.app, `/s/${slug}/checkout`, [['token', `${Date.now() - 10_000}.abc`], ...fields])
      assert.equal(forged.statusCode, 422)
      const crossSite = await post(env.app, `/s/${slug}/checkout`, [['token', token], ...fields], {
        origin: 'https://evil.example',
      })
      assert.equal(crossSite.statusCode, 403)
      const slow = await env.spawnApp({ STOREFRONT_MIN_FILL_MS: '60000' })
      const fresh = /name="token" value="([^"]+)"/.exec(
        (await slow.app.inject({ method: 'GET', url: `/s/${slug}/checkout?product=${key}` })).body,
      )![1]!
      const fast = await post(slow.app, `/s/${slug}/checkout`, [['token', fresh], ...fields])
      assert.equal(fast.statusCode, 422)
      assert.match(fast.body, /faster than a person/)
      const orders = (await api.get('/v1/orders?limit=100')).json().data as { customer_email: string }[]
      assert.equal(orders.filter((o) => o.customer_email === 'bot@example.com').length, 0)
    })

    it('limits unpaid form orders per email and per address (429)', async () => {
      const limited = await env.spawnApp({
        STOREFRONT_UNPAID_PER_ADDRESS: '4',
        STOREFRONT_UNPAID_PER_EMAIL: '2',
        STOREFRONT_MIN_FILL_MS: '0',
      })
      const token = /name="token" value="([^"]+)"/.exec(
        (await limited.app.inject({ method: 'GET', url: `/s/${slug}/checkout?product=${physical}` })).body,
      )![1]!
      const buy = (email: string) =>
        post(limited.app, `/s/${slug}/checkout`, [
          ['token', token],
          ['product', physical],
          ['email', email],
          ['method', 'tron:USDT'],
          ['ship_name', 'Ada'],
          ['ship_line1', '1 Main St'],
          ['ship_city', 'Springfield'],
          ['ship_postal_code', '12345'],
          ['ship_country', 'us'],
        ])
      // One order from this address already (the previous test's): three more, the email limit after two.
      assert.equal((await buy('limit@example.com')).statusCode, 303)
      assert.equal((await buy('limit@example.com')).statusCode, 303)
      const perEmail = await buy('limit@example.com')
      assert.equal(perEmail.statusCode, 429)
      assert.match(perEmail.body, /unpaid orders from this email/)
      assert.equal((await buy('other@example.com')).statusCode, 303)
      const perAddress = await buy('third@example.com')
      assert.equal(perAddress.statusCode, 429)
      assert.match(perAddress.body, /unpaid orders from this address/)
    })

    it('keeps a cart of two products in a cookie: add, change qty, remove', async () => {
      const added = await env.app.inject({ method: 'GET', url: `/s/${slug}/cart?product=${key}&qty=1` })
      assert.equal(added.statusCode, 303)
      const cookie = String(added.headers['set-cookie']).split(';')[0]!
      const second = await env.app.inject({
        method: 'GET',
        url: `/s/${slug}/cart?product=${physical}&qty=2`,
        headers: { cookie },
      })
      const both = String(second.headers['set-cookie']).split(';')[0]!
      assert.equal(both, `sx_cart=${key}:1,${physical}:2`)
      const form = await env.app.inject({ method: 'GET', url: `/s/${slug}/checkout`, headers: { cookie: both } })
      assert.equal((form.body.match(/data-testid="line"/g) ?? []).length, 2)
      const token = /name="token" value="([^"]+)"/.exec(form.body)![1]!
      const removed = await post(env.app, `/s/${slug}/checkout`, [
        ['token', token],
        ['cart', '1'],
        ['product', key],
        ['qty', '3'],
        ['product', physical],
        ['qty', '2'],
        ['remove', physical],
      ])
      assert.equal(removed.statusCode, 200)
      assert.equal((removed.body.match(/data-testid="line"/g) ?? []).length, 1)
      assert.equal(String(removed.headers['set-cookie']).split(';')[0], `sx_cart=${key}:3`)
    })

    it('changes the payment method before payment: a new quote for the same order; of two concurrent changes one wins', async () => {
      const created = await api.post('/v1/orders', {
        customer_email: 'switch@example.com',
        items: [{ product_id: key, qty: 1 }],
        chain: 'tron',
        asset: 'USDT',
      })
      const order = created.json()
      const token = new URL(order.checkout_url).pathname
      const page = await env.app.inject({ method: 'GET', url: token })
      assert.match(page.body, /data-testid="change-method"/)
      assert.match(String(page.headers['content-security-policy']), /form-action 'self'/)
      const change = (method: string) =>
        post(env.app, `${token}/payment-method`, [
          ['quote', '0'],
          ['method', method],
        ])
      const [a, b] = await Promise.all([change('ethereum:USDC'), change('base:USDC')])
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [303, 409])
      const after = (await api.get(`/v1/orders/${order.id}`)).json()
      const winner = a.statusCode === 303 ? 'ethereum' : 'base'
      assert.equal(after.id, order.id)
      assert.equal(after.payment.chain, winner)
      assert.equal(after.payment.asset, 'USDC')
      assert.notEqual(after.payment.address, order.payment.address)
      // A chain payment to the replaced address is not applied to the new quote (live watcher's path).
      await env.services.db.transaction().execute((trx) =>
        applyChainPayment(env.services, trx, order.id, {
          key: 'old-quote:0',
          txHash: '0xold',
          amount: BigInt(order.payment.amount.replace('.', '')),
          address: order.payment.address,
        }),
      )
      const untouched = (await api.get(`/v1/orders/${order.id}`)).json()
      assert.equal(untouched.status, 'awaiting_payment')
      assert.equal(untouched.payment.amount_paid, '0.000000')
      // Paid on the new quote: the order completes; the method can no longer change.
      const paid = await api.post(`/v1/test_helpers/orders/${order.id}/pay`, {})
      assert.equal(paid.json().status === 'paid' || paid.json().status === 'completed', true, paid.body)
      const late = await post(env.app, `${token}/payment-method`, [
        ['quote', '1'],
        ['method', 'tron:USDT'],
      ])
      assert.equal(late.statusCode, 409)
      assert.doesNotMatch((await env.app.inject({ method: 'GET', url: token })).body, /data-testid="change-method"/)
    })

    it('keeps the shop pages, the form, the cart, embed.js and the embed form within the per-address budget', async () => {
      const budgeted = await env.spawnApp({ RATE_LIMIT_BUYER: '6' })
      const paths = [
        `/s/${slug}`,
        `/s/${slug}/checkout?product=${key}`,
        `/s/${slug}/cart?product=${key}`,
        '/embed.js',
        `/embed/checkout?product=${key}`,
      ]
      for (const url of paths) assert.notEqual((await budgeted.app.inject({ method: 'GET', url })).statusCode, 429, url)
      const form = await post(budgeted.app, `/s/${slug}/checkout`, [['product', key]])
      assert.notEqual(form.statusCode, 429)
      for (const url of paths) assert.equal((await budgeted.app.inject({ method: 'GET', url })).statusCode, 429, url)
      assert.equal((await post(budgeted.app, `/s/${slug}/checkout`, [['product', key]])).statusCode, 429)
    })

    it('serves embed.js and a frameable embed form; everything else refuses framing', async () => {
      const script = await env.app.inject({ method: 'GET', url: '/embed.js' })
      assert.equal(script.statusCode, 200)
      assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8')
      assert.match(String(script.headers['cache-control']), /max-age=\d+/)
      assert.equal(script.headers['x-content-type-options'], 'nosniff')
      const embed = await env.app.inject({ method: 'GET', url: `/embed/checkout?product=${key}` })
      assert.equal(embed.statusCode, 200)
      assert.match(String(embed.headers['content-security-policy']), /frame-ancestors \*/)
      assert.equal(embed.headers['x-frame-options'], undefined)
      assert.match(embed.body, /target="_top"/)
      for (const url of [
        '/dashboard',
        `/s/${slug}`,
        `/s/${slug}/checkout?product=${key}`,
        '/v1/orders',
        '/healthz',
        '/nope/nope',
        '/embed/checkout?product=prod_unknown',
      ]) {
        const res = await env.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } })
        assert.equal(res.headers['x-frame-options'], 'DENY', url)
        assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, url)
      }
    })
  })
}
