// Finding orders and what happened to one, as the dashboard does: GET /v1/orders?q= (an order id,
// or part of the customer's email, case-insensitive, wildcards taken literally) and
// GET /v1/events?object_id= (the order's timeline), each scoped to the key's shop and mode.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, client, json, problem, startTestEnv, type List, type TestEnv } from './harness.ts'
import { MONEY_ENV, settledRefund } from './money-helpers.ts'
import { newProduct, settle } from './orders-helpers.ts'

type ApiEvent = { id: string; type: string; data: { id: string } }

for (const dialect of DIALECTS) {
  describe(`${dialect}: order search and an order's events`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, MONEY_ENV)
    })
    after(() => env.close())

    it('q finds an order by id or by any part of its email; object_id lists one order’s events', async () => {
      const shop = await env.newShop()
      const other = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = await newProduct(api, {}, ['K-1', 'K-2', 'K-3'])
      const place = async (email: string) => {
        const res = await api.post('/v1/orders', { customer_email: email, items: [{ product_id: product, qty: 1 }] })
        assert.equal(res.statusCode, 201, res.body)
        return json<Order>(res)
      }
      const ada = await place('Ada_Lovelace@Example.com')
      const adam = await place('adam@example.org')
      const bob = await place('bob%x@example.com')
      await client(env.app, other.keys.test).post('/v1/orders', {
        customer_email: 'ada_lovelace@example.com',
        items: [{ product_id: await newProduct(client(env.app, other.keys.test), {}, ['O-1']), qty: 1 }],
      })
      const search = async (q: string) =>
        json<List<Order>>(await api.get(`/v1/orders?q=${encodeURIComponent(q)}`)).data.map((o) => o.id)

      assert.deepEqual(await search('ADA'), [adam.id, ada.id])
      assert.deepEqual(await search('ada_'), [ada.id], '_ is literal, not any one character')
      assert.deepEqual(await search('%'), [bob.id], '% is literal')
      assert.deepEqual(await search('@example.com'), [bob.id, ada.id])
      assert.deepEqual(await search(`  ${adam.id} `), [adam.id])
      assert.deepEqual(await search('nobody@'), [])
      const paidFilter = json<List<Order>>(await api.get('/v1/orders?q=ada&status=paid')).data
      assert.deepEqual(paidFilter, [])
      problem(await api.get('/v1/orders?q='), 422, 'unprocessable')

      // Pages of a search keep the search: the cursor is bound to its filters.
      const first = json<List<Order>>(await api.get('/v1/orders?q=example&limit=2'))
      assert.equal(first.has_more, true)
      const rest = json<List<Order>>(await api.get(`/v1/orders?q=example&limit=2&cursor=${first.next_cursor}`))
      assert.deepEqual(
        rest.data.map((o) => o.id),
        [ada.id],
      )
      problem(await api.get(`/v1/orders?q=other&limit=2&cursor=${first.next_cursor}`), 422, 'unprocessable')

      // The paid and delivered order's events, and its full refund's, listed by its id (newest first).
      await api.post(`/v1/test_helpers/orders/${ada.id}/pay`, {})
      await env.drain()
      await settle(api, ada.id)
      const refund = await api.post(`/v1/orders/${ada.id}/refunds`, {}, { 'idempotency-key': 'r-1' })
      assert.equal(refund.statusCode, 200, refund.body)
      await settledRefund(api, ada.id, refund.json().id)
      const events = json<List<ApiEvent>>(await api.get(`/v1/events?object_id=${ada.id}`)).data
      assert.deepEqual(
        events.map((e) => e.type),
        ['order.refunded', 'order.delivered', 'order.paid'],
      )
      assert.ok(events.every((e) => e.data.id === ada.id))
      assert.deepEqual(json<List<ApiEvent>>(await api.get(`/v1/events?object_id=${adam.id}`)).data, [])
      const typed = json<List<ApiEvent>>(await api.get(`/v1/events?object_id=${ada.id}&type=order.paid`)).data
      assert.deepEqual(
        typed.map((e) => e.type),
        ['order.paid'],
      )
      // Any object's events: the product's own (created, then updated by its stock import).
      const productEvents = json<List<ApiEvent>>(await api.get(`/v1/events?object_id=${product}`)).data
      assert.deepEqual(
        productEvents.map((e) => e.type),
        ['product.updated', 'product.created'],
      )
      const otherKey = client(env.app, other.keys.test)
      assert.deepEqual(json<List<ApiEvent>>(await otherKey.get(`/v1/events?object_id=${ada.id}`)).data, [])
    })
  })
}
