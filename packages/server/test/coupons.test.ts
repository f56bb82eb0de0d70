// Coupons through HTTP on both dialects: the API, the discount on orders (and what the ledger, the
// invoice and refunds make of it), the redemption race, and giving a use back when an order expires.
// The clock stands still unless a test steps it, so no order or coupon expires because the machine is slow.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createManualClock } from '../src/platform/clock.ts'
import type { Coupon } from '../src/modules/coupons/coupons.schemas.ts'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, client, json, listen, problem, startTestEnv, type Client, type TestEnv } from './harness.ts'
import { NO_LIMITS, eventsOf, newProduct, order, settle } from './orders-helpers.ts'
import { balanceOf, idempotent, refund } from './money-helpers.ts'

const TTL_SECONDS = 60

for (const dialect of DIALECTS) {
  describe(`${dialect}: coupons`, () => {
    let env: TestEnv
    let base: string
    const clock = createManualClock()
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, ORDER_TTL_SECONDS: String(TTL_SECONDS) }, { clock })
      base = await listen(env.app)
    })
    after(() => env.close())

    const newCoupon = async (api: Client, body: Record<string, unknown>) => {
      const res = await api.post('/v1/coupons', body)
      assert.equal(res.statusCode, 201, res.body)
      return json<Coupon>(res)
    }
    /** A product with keys to sell: the first at `price_cents`. */
    const keysProduct = (api: Client, price_cents: number, keys = 5, currency = 'USD') =>
      newProduct(
        api,
        { price_cents, currency },
        Array.from({ length: keys }, (_, i) => `KEY-${price_cents}-${currency}-${i}-${Math.random()}`),
      )
    const refused = async (api: Client, body: Record<string, unknown>) =>
      problem(await api.post('/v1/orders', { customer_email: 'buyer@example.com', ...body }), 422, 'unprocessable')

    it('creates, reads, lists, patches and deletes a coupon, one event per change; Idempotency-Key replays', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, {})
      const key = idempotent()
      const created = await api.post(
        '/v1/coupons',
        { code: 'Launch20', percent_off: 20, product_ids: [product], max_redemptions: 5 },
        key,
      )
      assert.equal(created.statusCode, 201, created.body)
      const coupon = json<Coupon>(created)
      assert.match(coupon.id, /^cpn_[0-9A-HJKMNP-TV-Z]{26}$/)
      assert.deepEqual(
        { ...coupon, id: undefined, created_at: undefined, updated_at: undefined },
        {
          id: undefined,
          code: 'Launch20',
          percent_off: 20,
          amount_off_cents: null,
          currency: null,
          product_ids: [product],
          max_redemptions: 5,
          times_redeemed: 0,
          expires_at: null,
          active: true,
          livemode: false,
          created_at: undefined,
          updated_at: undefined,
        },
      )
      const replay = await api.post(
        '/v1/coupons',
        { code: 'Launch20', percent_off: 20, product_ids: [product], max_redemptions: 5 },
        key,
      )
      assert.equal(replay.statusCode, 201)
      assert.deepEqual(replay.json(), coupon, 'the replay answers the first response, no second coupon')

      assert.deepEqual((await api.get(`/v1/coupons/${coupon.id}`)).json(), coupon)
      const second = await newCoupon(api, { code: 'FIVE', amount_off_cents: 500, currency: 'EUR' })
      const firstPage = (await api.get('/v1/coupons?limit=1')).json()
      assert.deepEqual(
        firstPage.data.map((c: Coupon) => c.id),
        [second.id],
      )
      assert.equal(firstPage.has_more, true)
      const next = (await api.get(`/v1/coupons?limit=1&cursor=${firstPage.next_cursor}`)).json()
      assert.deepEqual(
        next.data.map((c: Coupon) => c.id),
        [coupon.id],
      )

      const expiresAt = new Date(clock.now() + 86_400_000).toISOString()
      const patched = await api.patch(`/v1/coupons/${coupon.id}`, {
        active: false,
        expires_at: expiresAt,
        product_ids: [],
        max_redemptions: null,
      })
      assert.equal(patched.statusCode, 200, patched.body)
      assert.deepEqual(
        { ...json<Coupon>(patched), updated_at: undefined },
        {
          ...coupon,
          active: false,
          expires_at: expiresAt,
          product_ids: [],
          max_redemptions: null,
          updated_at: undefined,
        },
      )
      problem(await api.patch(`/v1/coupons/${coupon.id}`, { code: 'OTHER' }), 422, 'unprocessable')

      const deleted = await api.delete(`/v1/coupons/${coupon.id}`)
      assert.equal(deleted.statusCode, 200, deleted.body)
      assert.deepEqual(deleted.json(), { id: coupon.id, deleted: true })
      problem(await api.get(`/v1/coupons/${coupon.id}`), 404, 'not_found')
      problem(await api.delete(`/v1/coupons/${coupon.id}`), 404, 'not_found')
      // The code is free again.
      await newCoupon(api, { code: 'launch20', percent_off: 10 })

      const events = (await eventsOf(env, shop.shop.id)).filter((e) => e.type.startsWith('coupon.'))
      assert.deepEqual(
        events.slice(0, 4).map((e) => [e.type, JSON.parse(e.data).id]),
        [
          ['coupon.created', coupon.id],
          ['coupon.created', second.id],
          ['coupon.updated', coupon.id],
          ['coupon.deleted', coupon.id],
        ],
      )
      assert.deepEqual(
        events.map((e) => e.type),
        ['coupon.created', 'coupon.created', 'coupon.updated', 'coupon.deleted', 'coupon.created'],
      )
      const read = (await api.get('/v1/events?type=coupon.updated')).json()
      assert.equal(read.data.length, 1)
      assert.equal(read.data[0].data.active, false)
    })

    it('refuses bad bodies with field errors and a taken code in any letter case with 409', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const fields = async (body: Record<string, unknown>) =>
        Object.keys(problem(await api.post('/v1/coupons', body), 422, 'unprocessable').errors ?? {}).sort()
      assert.deepEqual(await fields({ code: 'BOTH', percent_off: 10, amount_off_cents: 100, currency: 'USD' }), [
        'amount_off_cents',
        'percent_off',
      ])
      assert.deepEqual(await fields({ code: 'NONE' }), ['amount_off_cents', 'percent_off'])
      assert.deepEqual(await fields({ code: 'NOCUR', amount_off_cents: 100 }), ['currency'])
      assert.deepEqual(await fields({ code: 'PCTCUR', percent_off: 10, currency: 'USD' }), ['currency'])
      assert.deepEqual(await fields({ code: 'XXX', amount_off_cents: 100, currency: 'XXY' }), ['currency'])
      assert.deepEqual(await fields({ code: 'ZERO', percent_off: 0 }), ['percent_off'])
      assert.deepEqual(await fields({ code: 'MANY', percent_off: 101 }), ['percent_off'])
      assert.deepEqual(await fields({ code: 'has space', percent_off: 5 }), ['code'])
      assert.deepEqual(await fields({ code: 'PAST', percent_off: 5, expires_at: '2000-01-01T00:00:00Z' }), [
        'expires_at',
      ])
      assert.deepEqual(await fields({ code: 'WHEN', percent_off: 5, expires_at: 'tomorrow' }), ['expires_at'])
      assert.deepEqual(await fields({ code: 'PROD', percent_off: 5, product_ids: ['prod_nope'] }), ['product_ids.0'])

      await newCoupon(api, { code: 'Summer', percent_off: 10 })
      const taken = problem(await api.post('/v1/coupons', { code: 'SUMMER', percent_off: 15 }), 409, 'conflict')
      assert.deepEqual(Object.keys(taken.errors ?? {}), ['code'])
      // Another shop, and the other mode, may use the same code.
      const other = await env.newShop()
      await newCoupon(client(env.app, other.keys.test), { code: 'summer', percent_off: 10 })
      await newCoupon(client(env.app, shop.keys.live), { code: 'summer', percent_off: 10 })
    })

    it("another shop's or the other mode's coupon is 404, and unknown as an order's coupon", async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const mine = await newCoupon(api, { code: 'MINE', percent_off: 10 })
      const live = await newCoupon(client(env.app, shop.keys.live), { code: 'LIVEONLY', percent_off: 10 })
      const stranger = client(env.app, (await env.newShop()).keys.test)
      const theirs = await newCoupon(stranger, { code: 'THEIRS', percent_off: 10 })
      for (const [who, id] of [
        [stranger, mine.id],
        [client(env.app, shop.keys.live), mine.id],
        [api, live.id],
      ] as const) {
        problem(await who.get(`/v1/coupons/${id}`), 404, 'not_found')
        problem(await who.patch(`/v1/coupons/${id}`, { active: false }), 404, 'not_found')
        problem(await who.delete(`/v1/coupons/${id}`), 404, 'not_found')
      }
      assert.deepEqual(
        (await stranger.get('/v1/coupons')).json().data.map((c: Coupon) => c.id),
        [theirs.id],
      )
      assert.equal((await api.get(`/v1/coupons/${mine.id}`)).json().active, true, 'untouched')
      const product = await keysProduct(api, 1000)
      for (const code of ['THEIRS', 'LIVEONLY', 'NOPE']) {
        const body = await refused(api, { items: [{ product_id: product, qty: 1 }], coupon: code })
        assert.equal(body.detail, `No coupon ${code} in this shop.`)
        assert.deepEqual(body.errors, { coupon: ['is not a coupon of this shop'] })
      }
      assert.equal((await stranger.get(`/v1/coupons/${theirs.id}`)).json().times_redeemed, 0)
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 5, 'a refused order keeps no stock')
    })

    it('takes a percent or a fixed discount off the order, the invoice, the ledger and what refunds may return', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      await newCoupon(api, { code: 'Pct15', percent_off: 15 })
      await newCoupon(api, { code: 'TENOFF', amount_off_cents: 1000, currency: 'USD' })
      const product = await keysProduct(api, 2999)

      const pct = await order(api, [{ product_id: product, qty: 2 }], { coupon: 'pct15' })
      assert.equal(pct.coupon, 'Pct15', 'matched in any letter case, shown as the merchant wrote it')
      assert.equal(pct.discount_cents, 900) // 15% of 5998 = 899.7
      assert.equal(pct.total_cents, 5998 - 900)
      assert.deepEqual(
        pct.items.map((i) => i.subtotal_cents),
        [5998],
      )
      const fixed = await order(api, [{ product_id: product, qty: 1 }], { coupon: ' tenoff ' })
      assert.equal(fixed.discount_cents, 1000)
      assert.equal(fixed.total_cents, 1999)
      const plain = await order(api, [{ product_id: product, qty: 1 }])
      assert.equal(plain.discount_cents, 0)
      assert.equal(plain.coupon, null)

      // The invoice asks for the discounted total: the same amount as a product at that price.
      const reference = await order(api, [{ product_id: await keysProduct(api, 1999, 1), qty: 1 }])
      assert.equal(fixed.payment.amount, reference.payment.amount)

      for (const o of [pct, fixed]) {
        assert.equal((await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})).statusCode, 200)
        assert.equal((await settle(api, o.id)).status, 'completed')
        const entries = await env.services.db
          .selectFrom('ledger_entries')
          .select('amount_cents')
          .where('source_id', '=', o.id)
          .execute()
        assert.equal(
          entries.reduce((sum, e) => sum + Number(e.amount_cents), 0),
          o.total_cents,
        )
      }
      assert.equal((await balanceOf(api, 'USD')).available_cents, 5098 + 1999)
      const tooMuch = problem(await refund(api, fixed.id, { amount_cents: 2000 }), 422, 'unprocessable')
      assert.deepEqual(Object.keys(tooMuch.errors ?? {}), ['amount_cents'])
      assert.equal((await refund(api, fixed.id, {})).statusCode, 200)
      assert.equal((await api.get(`/v1/orders/${fixed.id}`)).json().refunded_cents, 1999)

      // The buyer's page shows the discount above the total.
      const page = await env.app.inject({ method: 'GET', url: new URL(pct.checkout_url).pathname })
      assert.match(page.body, /Discount \(Pct15\)<\/th><td>−\$9\.00/)
    })

    it('a coupon limited to products discounts those lines only, and refuses an order without them', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const eligible = await keysProduct(api, 1000)
      const other = await keysProduct(api, 5000)
      await newCoupon(api, { code: 'ONLY', percent_off: 50, product_ids: [eligible] })
      await newCoupon(api, { code: 'ONLYFIXED', amount_off_cents: 4000, currency: 'USD', product_ids: [eligible] })
      const both = await order(
        api,
        [
          { product_id: other, qty: 1 },
          { product_id: eligible, qty: 2 },
        ],
        { coupon: 'ONLY' },
      )
      assert.equal(both.discount_cents, 1000)
      assert.equal(both.total_cents, 6000)
      const capped = await order(
        api,
        [
          { product_id: other, qty: 1 },
          { product_id: eligible, qty: 1 },
        ],
        { coupon: 'onlyfixed' },
      )
      assert.equal(capped.discount_cents, 1000, 'a fixed amount is capped at the eligible lines')
      const body = await refused(api, { items: [{ product_id: other, qty: 1 }], coupon: 'ONLY' })
      assert.deepEqual(body.errors, { coupon: ['applies to no line'] })
      assert.match(body.detail, /does not apply to any product/)
    })

    it('refuses an inactive, expired, other-currency or order-emptying coupon with a clear detail', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await keysProduct(api, 1000)
      const euro = await keysProduct(api, 1000, 1, 'EUR')
      await newCoupon(api, { code: 'OFF', percent_off: 10, active: false })
      await newCoupon(api, { code: 'SOON', percent_off: 10, expires_at: new Date(clock.now() + 5000).toISOString() })
      await newCoupon(api, { code: 'DOLLARS', amount_off_cents: 100, currency: 'USD' })
      await newCoupon(api, { code: 'ALL', percent_off: 100 })
      await newCoupon(api, { code: 'BIG', amount_off_cents: 1000, currency: 'USD' })
      const line = [{ product_id: product, qty: 1 }]

      assert.equal((await order(api, line, { coupon: 'soon' })).discount_cents, 100)
      clock.advance(5000)
      const cases: [string, { product_id: string; qty: number }[], string, RegExp][] = [
        ['OFF', line, 'is not active', /is not active/],
        ['SOON', line, 'has expired', /has expired/],
        [
          'DOLLARS',
          [{ product_id: euro, qty: 1 }],
          'is in USD, the order in EUR',
          /takes USD off; this order is in EUR/,
        ],
        ['ALL', line, 'leaves nothing to pay', /would make this order free/],
        ['BIG', line, 'leaves nothing to pay', /would make this order free/],
      ]
      for (const [code, items, reason, detail] of cases) {
        const body = await refused(api, { items, coupon: code })
        assert.deepEqual(body.errors, { coupon: [reason] }, code)
        assert.match(body.detail, detail)
      }
      // Switched back on, it works again.
      const off = (await api.get('/v1/coupons')).json().data.find((c: Coupon) => c.code === 'OFF')
      await api.patch(`/v1/coupons/${off.id}`, { active: true })
      assert.equal((await order(api, line, { coupon: 'OFF' })).discount_cents, 100)
    })

    it('50 concurrent orders on a 10-use coupon: exactly 10 discounted, 40 refused as used up', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, { type: 'dynamic', price_cents: 2000, stock: 1000 })
      const coupon = await newCoupon(api, { code: 'RACE', percent_off: 25, max_redemptions: 10 })
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fetch(`${base}/v1/orders`, {
            method: 'POST',
            headers: { authorization: `Bearer ${shop.keys.test}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              customer_email: `racer${i}@example.com`,
              items: [{ product_id: product, qty: 1 }],
              coupon: 'race',
            }),
          }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> })),
        ),
      )
      const placed = answers.filter((a) => a.status === 201).map((a) => a.body as unknown as Order)
      const others = answers.filter((a) => a.status !== 201)
      assert.equal(placed.length, 10, `statuses: ${answers.map((a) => a.status)}`)
      assert.ok(placed.every((o) => o.discount_cents === 500 && o.total_cents === 1500))
      assert.ok(
        others.every((a) => a.status === 422 && JSON.stringify(a.body.errors) === '{"coupon":["has no uses left"]}'),
        JSON.stringify(others[0]),
      )
      assert.equal((await api.get(`/v1/coupons/${coupon.id}`)).json().times_redeemed, 10)
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 990, 'refused orders kept no stock')
    })

    it('an unpaid order that expires gives its use back; a paid one keeps it', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await keysProduct(api, 1000)
      const coupon = await newCoupon(api, { code: 'ONCE', amount_off_cents: 100, currency: 'USD', max_redemptions: 1 })
      const unpaid = await order(api, [{ product_id: product, qty: 1 }], { coupon: 'ONCE' })
      const used = await refused(api, { items: [{ product_id: product, qty: 1 }], coupon: 'ONCE' })
      assert.deepEqual(used.errors, { coupon: ['has no uses left'] })

      clock.advance(TTL_SECONDS * 1000 + 1)
      await env.drain()
      const expired = json<Order>(await api.get(`/v1/orders/${unpaid.id}`))
      assert.equal(expired.failure_reason, 'payment_expired')
      assert.equal(expired.discount_cents, 100, 'the order still shows what it was offered')
      assert.equal((await api.get(`/v1/coupons/${coupon.id}`)).json().times_redeemed, 0)

      const paid = await order(api, [{ product_id: product, qty: 1 }], { coupon: 'once' })
      assert.equal((await api.post(`/v1/test_helpers/orders/${paid.id}/pay`, {})).statusCode, 200)
      await settle(api, paid.id)
      clock.advance(TTL_SECONDS * 1000 + 1)
      await env.drain()
      assert.equal((await api.get(`/v1/coupons/${coupon.id}`)).json().times_redeemed, 1)
    })
  })
}
