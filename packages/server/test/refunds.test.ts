// Refunds through the HTTP API: partial refunds adding up, the order becoming `refunded`, its keys
// never sold again, customers net of refunds, failures giving the money back, late payments, and
// every refusal (unpaid, too much, no Idempotency-Key, other shops and modes).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sandboxFailingAddress } from '../src/modules/payments/index.ts'
import type { Refund } from '../src/modules/refunds/refunds.schemas.ts'
import { DIALECTS, client, json, present, problem, startTestEnv, type List, type TestEnv } from './harness.ts'
import { SHIP_TO, eventsOf, newProduct, order, settle } from './orders-helpers.ts'
import { MONEY_ENV, balanceOf, idempotent, paidOrder, refund, settledRefund } from './money-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: refunds`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, MONEY_ENV)
    })
    after(() => env.close())

    it('partial refunds add up to the total; then the order is refunded (once), its keys never sold again, the customer net of refunds', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, {}, ['K-1', 'K-2', 'K-3'])
      const created = await order(api, [{ product_id: product, qty: 2 }])
      await api.post(`/v1/test_helpers/orders/${created.id}/pay`, {})
      const paid = await settle(api, created.id)
      assert.equal(paid.refunded_cents, 0)
      assert.equal((await api.get(`/v1/customers/${paid.customer_id}`)).json().lifetime_cents, 25800)

      const first = await refund(api, paid.id, {
        amount_cents: 5800,
        reason: 'requested_by_buyer',
        note: 'one key did not work',
      })
      assert.equal(first.statusCode, 200, first.body)
      const r1 = first.json()
      assert.deepEqual(
        { ...r1, id: undefined, created_at: undefined, updated_at: undefined },
        {
          id: undefined,
          order_id: paid.id,
          status: 'processing',
          amount_cents: 5800,
          currency: 'USD',
          reason: 'requested_by_buyer',
          note: 'one key did not work',
          chain: 'tron',
          asset: 'USDT',
          amount: '58.000000',
          destination_address: null,
          destination_tx: null,
          failure_reason: null,
          livemode: false,
          created_at: undefined,
          updated_at: undefined,
        },
      )
      assert.match(r1.id, /^rf_[0-9A-Z]{26}$/)
      assert.equal((await api.get(`/v1/orders/${paid.id}`)).json().refunded_cents, 5800)
      assert.deepEqual(
        pick(await balanceOf(api)),
        { available_cents: 20000, pending_cents: 5800 },
        'taken from available at once, pending until sent',
      )
      const done1 = await settledRefund(api, paid.id, r1.id)
      assert.equal(done1.status, 'succeeded')
      assert.match(present(done1.destination_tx, 'destination_tx'), /^[0-9a-f]{64}$/)
      assert.deepEqual(pick(await balanceOf(api)), { available_cents: 20000, pending_cents: 0 })
      assert.equal(
        (await api.get(`/v1/orders/${paid.id}`)).json().status,
        'completed',
        'a partial refund leaves the order as it was',
      )

      const tooMuch = problem(await refund(api, paid.id, { amount_cents: 20001 }), 422, 'unprocessable')
      assert.match(tooMuch.errors!.amount_cents![0]!, /at most 20000/)
      const rest = await refund(api, paid.id)
      assert.equal(rest.json().amount_cents, 20000, 'the default is what is left')
      assert.equal((await settledRefund(api, paid.id, rest.json().id)).status, 'succeeded')

      const refunded = (await api.get(`/v1/orders/${paid.id}`)).json()
      assert.equal(refunded.status, 'refunded')
      assert.equal(refunded.refunded_cents, 25800)
      assert.deepEqual(
        (await eventsOf(env, shop.shop.id)).filter((e) => e.type.startsWith('order.')).map((e) => e.type),
        ['order.paid', 'order.delivered', 'order.refunded'],
      )
      assert.equal(JSON.parse((await eventsOf(env, shop.shop.id)).at(-1)!.data).status, 'refunded')
      const items = await env.services.db
        .selectFrom('stock_items')
        .select('status')
        .where('order_id', '=', paid.id)
        .execute()
      assert.deepEqual(
        items.map((i) => i.status),
        ['refunded', 'refunded'],
        'delivered keys are marked refunded',
      )
      assert.equal((await api.get(`/v1/products/${product}`)).json().stock, 1, 'and never return to stock')
      assert.deepEqual(
        json<List<Refund>>(await api.get(`/v1/orders/${paid.id}/refunds`)).data.map((r) => r.id),
        [rest.json().id, r1.id],
        'newest first',
      )
      problem(await refund(api, paid.id), 409, 'conflict')
      assert.equal(
        (await api.get(`/v1/customers/${paid.customer_id}`)).json().lifetime_cents,
        0,
        'lifetime is net of refunds',
      )
      assert.deepEqual(pick(await balanceOf(api)), { available_cents: 0, pending_cents: 0 })
    })

    it('refuses what cannot be refunded: unpaid 409, no Idempotency-Key 400, bad fields 422, other shops and modes 404; a retried key replays', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const unpaid = await order(api, [{ product_id: await newProduct(api, {}, ['U-1']), qty: 1 }])
      assert.match(problem(await refund(api, unpaid.id), 409, 'conflict').detail, /never paid/)
      const paid = await paidOrder(api)
      const missing = problem(await api.post(`/v1/orders/${paid.id}/refunds`, {}), 400, 'invalid_request')
      assert.ok(missing.errors?.['Idempotency-Key'])
      for (const [body, field] of [
        [{ reason: 'changed_mind' }, 'reason'],
        [{ amount_cents: 0 }, 'amount_cents'],
        [{ amount_cents: 1.5 }, 'amount_cents'],
        [{ destination_address: 'not-an-address' }, 'destination_address'],
        [{ destination_address: '0x52908400098527886E0F7030069857D2E4169EE7' }, 'destination_address'],
        [{ amout_cents: 5 }, 'amout_cents'],
      ] as const) {
        assert.ok(
          problem(await refund(api, paid.id, body), 422, 'unprocessable').errors?.[field],
          `${JSON.stringify(body)} → errors.${field}`,
        )
      }
      const other = await env.newShop()
      problem(await refund(client(env.app, other.keys.test), paid.id), 404, 'not_found')
      problem(await refund(client(env.app, shop.keys.live), paid.id), 404, 'not_found')
      problem(await client(env.app, other.keys.test).get(`/v1/orders/${paid.id}/refunds`), 404, 'not_found')

      const key = idempotent()
      const once = await api.post(`/v1/orders/${paid.id}/refunds`, { amount_cents: 900 }, key)
      const twice = await api.post(`/v1/orders/${paid.id}/refunds`, { amount_cents: 900 }, key)
      assert.equal(twice.headers['idempotent-replayed'], 'true')
      assert.equal(twice.json().id, once.json().id)
      problem(await api.post(`/v1/orders/${paid.id}/refunds`, { amount_cents: 901 }, key), 409, 'conflict')
      assert.equal((await api.get(`/v1/orders/${paid.id}/refunds`)).json().data.length, 1)
      assert.equal((await api.get(`/v1/orders/${paid.id}`)).json().refunded_cents, 900)
    })

    it('a refund the provider fails gives the money back: balance, what is left to refund, and the order as it was', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const paid = await paidOrder(api)
      const failing = sandboxFailingAddress('tron')
      const created = (await refund(api, paid.id, { destination_address: failing, reason: 'fraud' })).json()
      assert.equal(created.destination_address, failing)
      assert.deepEqual(pick(await balanceOf(api)), { available_cents: 0, pending_cents: 12900 })
      const failed = await settledRefund(api, paid.id, created.id)
      assert.equal(failed.status, 'failed')
      assert.match(present(failed.failure_reason, 'failure_reason'), /rejected/)
      assert.ok(failed.destination_tx, 'it was broadcast, then failed')
      const after = (await api.get(`/v1/orders/${paid.id}`)).json()
      assert.deepEqual(
        { status: after.status, refunded_cents: after.refunded_cents },
        { status: 'completed', refunded_cents: 0 },
      )
      assert.deepEqual(pick(await balanceOf(api)), { available_cents: 12900, pending_cents: 0 })
      const retried = await refund(api, paid.id)
      assert.equal((await settledRefund(api, paid.id, retried.json().id)).status, 'succeeded')
      assert.equal((await api.get(`/v1/orders/${paid.id}`)).json().status, 'refunded')
    })

    it('a physical order refunded before it ships becomes refunded and can no longer be fulfilled', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const mug = await newProduct(api, { type: 'physical', name: 'Mug', price_cents: 2500, stock: 3 })
      const o = await order(api, [{ product_id: mug, qty: 1 }], { shipping_address: SHIP_TO })
      await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})
      await settle(api, o.id, (x) => x.delivery.state === 'awaiting_fulfilment')
      assert.equal((await settledRefund(api, o.id, (await refund(api, o.id)).json().id)).status, 'succeeded')
      assert.equal((await api.get(`/v1/orders/${o.id}`)).json().status, 'refunded')
      problem(await api.post(`/v1/orders/${o.id}/fulfil`, { carrier: 'DHL', tracking_number: 'JD1' }), 409, 'conflict')
    })
  })

  describe(`${dialect}: refunds of late payments`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { ...MONEY_ENV, ORDER_TTL_SECONDS: '1' })
    })
    after(() => env.close())

    it('a payment in full after expiry is credited and refundable; an expired order never paid is not', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const product = await newProduct(api, { price_cents: 3000 }, ['L-1', 'L-2'])
      const late = await order(api, [{ product_id: product, qty: 1 }])
      const unpaid = await order(api, [{ product_id: product, qty: 1 }])
      await settle(api, late.id)
      await settle(api, unpaid.id)
      const paidLate = (await api.post(`/v1/test_helpers/orders/${late.id}/pay`, {})).json()
      assert.deepEqual(
        { status: paidLate.status, invoice: paidLate.payment.status },
        { status: 'failed', invoice: 'paid_late' },
      )
      assert.ok(paidLate.paid_at, 'the late payment sets paid_at')
      assert.deepEqual(pick(await balanceOf(api)), { available_cents: 3000, pending_cents: 0 })
      problem(await refund(api, unpaid.id), 409, 'conflict')
      assert.equal((await settledRefund(api, late.id, (await refund(api, late.id)).json().id)).status, 'succeeded')
      assert.equal((await api.get(`/v1/orders/${late.id}`)).json().status, 'refunded')
      assert.deepEqual(pick(await balanceOf(api)), { available_cents: 0, pending_cents: 0 })
    })
  })
}

function pick(balance: { available_cents: number; pending_cents: number }) {
  return { available_cents: balance.available_cents, pending_cents: balance.pending_cents }
}
