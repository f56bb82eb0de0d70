// Races over real sockets: many buyers for few keys, many payments for one order, expiry against
// a late payment. The invariants: no oversell, no key twice, one delivery per order. The clock
// stands still, so no order expires because the machine is slow; the expiry race steps it.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createManualClock } from '../src/platform/clock.ts'
import { DIALECTS, client, listen, startTestEnv, type TestEnv } from './harness.ts'
import { NO_LIMITS, eventsOf, newProduct, order, settle } from './orders-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: order races`, () => {
    let env: TestEnv
    let base: string
    const clock = createManualClock()
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, ORDER_TTL_SECONDS: '2' }, { clock })
      base = await listen(env.app)
    })
    after(() => env.close())

    const post = (secret: string, path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })

    it('40 buyers racing for 6 keys: 6 orders, 34 sold out, no key twice, and all 6 delivered once', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, {}, ['A', 'B', 'C', 'D', 'E', 'F'])
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          post(shop.keys.test, '/v1/orders', {
            customer_email: `b${i}@example.com`,
            items: [{ product_id: product, qty: 1 }],
          }),
        ),
      )
      const statuses = answers.map((a) => a.status)
      assert.equal(statuses.filter((s) => s === 201).length, 6, `statuses: ${statuses}`)
      assert.equal(statuses.filter((s) => s === 409).length, 34)
      const orders = await Promise.all(answers.filter((a) => a.status === 201).map((a) => a.json()))
      await Promise.all(orders.map((o) => post(shop.keys.test, `/v1/test_helpers/orders/${o.id}/pay`, {})))
      const done = await Promise.all(orders.map((o) => settle(api, o.id)))
      const keys = done.flatMap((o) => o.delivery.items.map((i) => i.value))
      assert.deepEqual(keys.sort(), ['A', 'B', 'C', 'D', 'E', 'F'])
      const rows = await env.services.db
        .selectFrom('stock_items')
        .select(['status', 'order_id'])
        .where('product_id', '=', product)
        .execute()
      assert.ok(
        rows.every((r) => r.status === 'sold' && r.order_id),
        'every key sold to an order',
      )
      assert.equal(new Set(rows.map((r) => r.order_id)).size, 6)
    })

    it('10 concurrent payments of one order: one settles it, one delivery, the rest recorded as extra', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, {}, ['ONLY-1', 'ONLY-2'])
      const o = await order(api, [{ product_id: product, qty: 1 }])
      const paid = await Promise.all(
        Array.from({ length: 10 }, () => post(shop.keys.test, `/v1/test_helpers/orders/${o.id}/pay`, {})),
      )
      assert.deepEqual(
        paid.map((p) => p.status),
        Array(10).fill(200),
      )
      const done = await settle(api, o.id)
      assert.equal(done.delivery.items.length, 1)
      assert.equal(done.payment.amount_paid, '1290.000000', 'ten payments of the full amount were seen')
      assert.equal(done.payment.overpaid_amount, '1161.000000')
      const types = (await eventsOf(env, shop.shop.id)).map((e) => e.type).filter((t) => t.startsWith('order.'))
      assert.deepEqual(types, ['order.paid', 'order.delivered'])
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 1)
    })

    it('two instances with their workers on one database deliver each paid order exactly once', async () => {
      const second = await env.spawnApp()
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const other = client(second.app, shop.keys.test)
      const product = await newProduct(
        api,
        {},
        Array.from({ length: 12 }, (_, i) => `W-${i}`),
      )
      const orders = await Promise.all(Array.from({ length: 12 }, () => order(api, [{ product_id: product, qty: 1 }])))
      // Half are paid through each instance, so both workers find delivery jobs at once.
      await Promise.all(orders.map((o, i) => (i % 2 ? api : other).post(`/v1/test_helpers/orders/${o.id}/pay`, {})))
      const done = await Promise.all(orders.map((o) => settle(api, o.id)))
      assert.deepEqual(
        done.flatMap((o) => o.delivery.items.map((i) => i.value)).sort(),
        Array.from({ length: 12 }, (_, i) => `W-${i}`).sort(),
      )
      const delivered = (await eventsOf(env, shop.shop.id)).filter((e) => e.type === 'order.delivered')
      assert.equal(delivered.length, 12, 'one order.delivered per order')
      const mails = await env.services.db
        .selectFrom('mails')
        .select('order_id')
        .where('kind', '=', 'delivery')
        .where(
          'order_id',
          'in',
          orders.map((o) => o.id),
        )
        .execute()
      assert.equal(mails.length, 12, 'one delivery mail per order')
    })

    it('expiry racing a late payment: either paid and delivered, or failed with the stock back, never both', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(
        api,
        {},
        Array.from({ length: 8 }, (_, i) => `R-${i}`),
      )
      const outcomes: string[] = []
      for (let round = 0; round < 8; round++) {
        const o = await order(api, [{ product_id: product, qty: 1 }])
        // The clock steps to 3 ms before the 2 s expiry, then to 4 ms after it; at each step the
        // payment arrives over a socket while the worker drains (runs the expiry job once due).
        clock.advanceTo(Date.parse(o.expires_at) + round - 3)
        const paid = post(shop.keys.test, `/v1/test_helpers/orders/${o.id}/pay`, {})
        await Promise.all([paid, env.drain()])
        assert.equal((await paid).status, 200)
        const done = await settle(api, o.id)
        outcomes.push(done.status)
        if (round < 3) assert.equal(done.status, 'completed', 'paid before it expired: the expiry job is not due yet')
        const held = await env.services.db
          .selectFrom('stock_items')
          .select('status')
          .where('order_id', '=', o.id)
          .execute()
        if (done.status === 'completed') {
          assert.equal(done.delivery.items.length, 1)
          assert.deepEqual(
            held.map((h) => h.status),
            ['sold'],
          )
        } else {
          assert.equal(done.failure_reason, 'payment_expired')
          assert.equal(done.payment.status, 'paid_late')
          assert.deepEqual(held, [], 'the key went back to the pool')
        }
      }
      const sold = await env.services.db
        .selectFrom('stock_items')
        .select('status')
        .where('product_id', '=', product)
        .where('status', '=', 'sold')
        .execute()
      assert.equal(sold.length, outcomes.filter((s) => s === 'completed').length, `outcomes: ${outcomes}`)
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 8 - sold.length)
    })
  })
}
