// Payments and the order's lifecycle through the HTTP API: partial, exact and over payments by the
// invoice rules, fulfilment before the delivery job has run, expiry. Journeys per type: orders.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { DIALECTS, client, present, problem, startTestEnv, type TestEnv } from './harness.ts'
import { createManualClock } from '../src/platform/clock.ts'
import { NO_LIMITS, SHIP_TO, eventsOf, newProduct, order } from './orders-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: order payments`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, DYNAMIC_RETRY_DELAYS: '0,0' })
    })
    after(() => env.close())

    it('applies partial, exact and over payments by the invoice rules', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const product = await newProduct(api, { type: 'physical', stock: null, price_cents: 2500, name: 'Mug' })
      const o = await order(api, [{ product_id: product, qty: 1 }], {
        shipping_address: SHIP_TO,
        chain: 'bitcoin',
        asset: 'BTC',
      })
      assert.equal(o.payment.amount, '0.00038462', '$25 at the sandbox rate, rounded up to a satoshi')
      assert.match(
        present(o.payment.address, 'the address'),
        /^tb1q[02-9ac-hj-np-z]{38}$/,
        'a testnet address in test mode',
      )
      const partial = (await api.post(`/v1/test_helpers/orders/${o.id}/pay`, { amount: '0.0002' })).json()
      assert.equal(partial.status, 'awaiting_payment')
      assert.equal(partial.payment.status, 'partially_paid')
      assert.equal(partial.payment.amount_remaining, '0.00018462')
      const rest = (await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})).json()
      assert.equal(rest.payment.status, 'settled')
      assert.equal(rest.payment.amount_remaining, '0.00000000')
      assert.ok(['paid', 'delivering'].includes(rest.status))

      const over = await order(api, [{ product_id: product, qty: 1 }], { shipping_address: SHIP_TO })
      const overpaid = (
        await api.post(`/v1/test_helpers/orders/${over.id}/pay`, { amount: '30', tx_hash: 'abc123' })
      ).json()
      assert.equal(overpaid.payment.overpaid_amount, '5.000000')
      assert.equal(overpaid.payment.tx_hash, 'abc123')
      const replay = (
        await api.post(`/v1/test_helpers/orders/${over.id}/pay`, { amount: '30', tx_hash: 'abc123' })
      ).json()
      assert.equal(replay.payment.amount_paid, '30.000000', 'one transaction counts once')
      for (const amount of ['0', '-1', '1e3', '1.0000001', 'abc']) {
        problem422(await api.post(`/v1/test_helpers/orders/${over.id}/pay`, { amount }), 'amount')
      }
      const live = (await env.newShop()).keys.live
      assert.equal((await client(env.app, live).post(`/v1/test_helpers/orders/${over.id}/pay`, {})).statusCode, 404)
    })
  })

  describe(`${dialect}: delivery in the payment's transaction`, () => {
    let env: TestEnv
    // No worker loop: whatever the payment did not deliver itself would wait for a drain.
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, SX_WORKER: 'off' })
    })
    after(() => env.close())
    const deliveryJobsOf = (orderId: string) =>
      env.services.db
        .selectFrom('jobs')
        .select('ref')
        .where('kind', '=', 'order.deliver')
        .where('ref', '=', orderId)
        .execute()

    it('delivers the reserved key with the payment, ships the poster at once, and queues no delivery job', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const poster = await newProduct(api, { type: 'physical', name: 'Poster', stock: 2 })
      const keys = await newProduct(api, {}, ['K-1'])
      const o = await order(
        api,
        [
          { product_id: poster, qty: 1 },
          { product_id: keys, qty: 1 },
        ],
        { shipping_address: SHIP_TO },
      )
      const paid = (await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})).json()
      assert.equal(paid.status, 'paid', 'the poster waits for fulfilment')
      assert.deepEqual(
        paid.delivery.items.map((i: { kind: string; value?: string }) => [i.kind, i.value]),
        [['license_key', 'K-1']],
      )
      assert.deepEqual(await deliveryJobsOf(o.id), [])
      const shipped = await api.post(`/v1/orders/${o.id}/fulfil`, { carrier: 'DHL', tracking_number: 'JD1' })
      assert.equal(shipped.statusCode, 200, shipped.body)
      assert.equal(shipped.json().status, 'completed')
      await env.drain()
      const done = (await api.get(`/v1/orders/${o.id}`)).json()
      assert.equal(done.status, 'completed')
      assert.deepEqual(done.delivery.items.map((i: { kind: string }) => i.kind).sort(), ['license_key', 'physical'])
      assert.deepEqual(
        (await eventsOf(env, shop.shop.id)).filter((e) => e.type.startsWith('order.')).map((e) => e.type),
        ['order.paid', 'order.delivered'],
      )
      const mails = await env.services.db.selectFrom('mails').select('kind').where('order_id', '=', o.id).execute()
      assert.deepEqual(mails.map((m) => m.kind).sort(), ['confirmation', 'delivery'])
    })

    it('keeps the payment when delivering with it fails, and leaves the delivery to the job', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const keys = await newProduct(api, {}, ['K-broken'])
      const o = await order(api, [{ product_id: keys, qty: 1 }])
      // A reserved item whose sealed value cannot be opened: the key strategy throws as it settles.
      await env.services.db
        .updateTable('stock_items')
        .set({ value: 'not-sealed' })
        .where('order_id', '=', o.id)
        .execute()
      const paid = await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})
      assert.equal(paid.statusCode, 200, paid.body)
      assert.equal(paid.json().status, 'paid')
      assert.equal(paid.json().payment.status, 'settled')
      const items = await env.services.db
        .selectFrom('stock_items')
        .select('status')
        .where('order_id', '=', o.id)
        .execute()
      assert.deepEqual(items, [{ status: 'reserved' }], 'what the failed delivery wrote is undone')
      assert.deepEqual(await deliveryJobsOf(o.id), [{ ref: o.id }])
      const types = (await eventsOf(env, shop.shop.id)).map((e) => e.type)
      assert.ok(types.includes('order.paid') && !types.includes('order.delivered'), types.join(', '))
    })

    it('leaves a line that needs a network call to the delivery job', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const card = await newProduct(api, { type: 'dynamic', name: 'Gift card' })
      const o = await order(api, [{ product_id: card, qty: 1 }])
      const paid = (await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})).json()
      assert.equal(paid.status, 'paid')
      assert.equal(paid.delivery.state, 'in_progress')
      assert.deepEqual(await deliveryJobsOf(o.id), [{ ref: o.id }])
    })
  })

  describe(`${dialect}: order expiry`, () => {
    let env: TestEnv
    // The clock stands still until the test steps it past ORDER_TTL_SECONDS (the default 30 min).
    const clock = createManualClock()
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS, { clock })
    })
    after(() => env.close())

    it('fails an unpaid order with payment_expired, gives the stock back, and records a late payment without delivering', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const keys = await newProduct(api, {}, ['K-1'])
      const poster = await newProduct(api, { type: 'physical', name: 'Poster', stock: 1 })
      const o = await order(
        api,
        [
          { product_id: keys, qty: 1 },
          { product_id: poster, qty: 1 },
        ],
        { shipping_address: SHIP_TO },
      )
      assert.equal((await api.get(`/v1/products/${keys}`)).json().stock, 0)
      assert.equal(Date.parse(o.expires_at) - Date.parse(o.created_at), 1800_000)
      clock.advanceTo(Date.parse(o.expires_at) - 1)
      await env.drain()
      assert.equal((await api.get(`/v1/orders/${o.id}`)).json().status, 'awaiting_payment', 'not before expires_at')
      clock.advance(1)
      await env.drain()
      const failed = (await api.get(`/v1/orders/${o.id}`)).json()
      assert.deepEqual([failed.status, failed.failure_reason], ['failed', 'payment_expired'])
      assert.equal(failed.payment.status, 'expired')
      assert.equal((await api.get(`/v1/products/${keys}`)).json().stock, 1)
      assert.equal((await api.get(`/v1/products/${poster}`)).json().stock, 1)
      const late = (await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})).json()
      assert.equal(late.status, 'failed')
      assert.equal(late.payment.status, 'paid_late')
      assert.deepEqual(late.delivery.items, [])
      assert.deepEqual(
        (await eventsOf(env, shop.shop.id)).filter((e) => e.type.startsWith('order.')).map((e) => e.type),
        ['order.failed'],
      )
    })
  })
}

function problem422(res: LightMyRequestResponse, field: string) {
  assert.ok(problem(res, 422, 'unprocessable').errors?.[field], `errors.${field}: ${res.body}`)
}
