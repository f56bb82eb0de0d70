// The list filters the dashboard reads, through HTTP on both dialects: for Home's "needs attention",
// orders by `delivery_state` (each state lists exactly the orders whose `delivery.state` it is),
// products by `stock_at_most` (unlimited stock never matches), webhook endpoints by `status`; for
// Customers, customers by `email` (contains, any case) and orders by `customer_id`.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DELIVERY_STATES } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, client, json, problem, startTestEnv, type List, type TestEnv } from './harness.ts'
import { NO_LIMITS, SHIP_TO, newProduct, order, settle } from './orders-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: dashboard list filters`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, DYNAMIC_RETRY_DELAYS: '0' })
    })
    after(() => env.close())

    it('lists orders by delivery state, as each order shows it', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const mug = await newProduct(api, { type: 'physical', name: 'Mug', stock: null })
      const key = await newProduct(api, { name: 'Key' }, ['K-1', 'K-2'])
      // Port 9 (discard) on loopback: nothing listens, so every delivery attempt fails.
      const gift = await newProduct(api, { type: 'dynamic', name: 'Gift', dynamic_url: 'http://127.0.0.1:9/deliver' })
      const pay = async (o: Order, done?: (o: Order) => boolean) => {
        await api.post(`/v1/test_helpers/orders/${o.id}/pay`, {})
        return settle(api, o.id, done)
      }
      const toShip = await pay(await order(api, [{ product_id: mug, qty: 1 }], { shipping_address: SHIP_TO }), (o) =>
        ['paid', 'failed'].includes(o.status),
      )
      const mixed = await pay(
        await order(
          api,
          [
            { product_id: mug, qty: 1 },
            { product_id: key, qty: 1 },
          ],
          { shipping_address: SHIP_TO },
        ),
        (o) => o.delivery.state !== 'in_progress' && o.status !== 'delivering',
      )
      const delivered = await pay(await order(api, [{ product_id: key, qty: 1 }]))
      const failed = await pay(await order(api, [{ product_id: gift, qty: 1 }]))
      const unpaid = await order(api, [{ product_id: mug, qty: 1 }], { shipping_address: SHIP_TO })
      assert.deepEqual(
        [toShip, mixed, delivered, failed, unpaid].map((o) => [o.status, o.delivery.state]),
        [
          ['paid', 'awaiting_fulfilment'],
          ['paid', 'awaiting_fulfilment'],
          ['completed', 'delivered'],
          ['failed', 'failed'],
          ['awaiting_payment', 'pending'],
        ],
      )

      const all = json<List<Order>>(await api.get('/v1/orders?limit=100')).data
      for (const state of DELIVERY_STATES) {
        const listed = json<List<Order>>(await api.get(`/v1/orders?delivery_state=${state}`)).data
        const expected = all.filter((o) => o.delivery.state === state).map((o) => o.id)
        assert.deepEqual(
          listed.map((o) => o.id),
          expected,
          state,
        )
      }
      const shipNow = json<List<Order>>(await api.get('/v1/orders?delivery_state=awaiting_fulfilment&status=paid'))
      assert.deepEqual(
        shipNow.data.map((o) => o.id),
        [mixed.id, toShip.id],
      )
      problem(await api.get('/v1/orders?delivery_state=lost'), 422, 'unprocessable')
    })

    it('lists products with low stock, never those with unlimited stock', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const fewKeys = await newProduct(api, { name: 'Few keys' }, ['A', 'B'])
      await newProduct(api, { name: 'Many keys' }, ['1', '2', '3', '4', '5', '6'])
      const emptyPool = await newProduct(api, { name: 'No keys' })
      const lastMugs = await newProduct(api, { type: 'physical', name: 'Last mugs', stock: 5 })
      await newProduct(api, { type: 'physical', name: 'Posters', stock: 50 })
      await newProduct(api, { type: 'physical', name: 'Prints', stock: null })
      await newProduct(api, { type: 'file_download', name: 'Manual' })
      const low = async (query: string) =>
        json<List<{ id: string }>>(await api.get(`/v1/products?${query}`)).data.map((p) => p.id)
      assert.deepEqual(await low('stock_at_most=5'), [lastMugs, emptyPool, fewKeys])
      assert.deepEqual(await low('stock_at_most=0'), [emptyPool])
      assert.deepEqual(await low('stock_at_most=5&type=physical'), [lastMugs])
      await api.patch(`/v1/products/${fewKeys}`, { status: 'archived' })
      assert.deepEqual(await low('stock_at_most=5&status=active'), [lastMugs, emptyPool])
      problem(await api.get('/v1/products?stock_at_most=-1'), 422, 'unprocessable')
    })

    it("searches customers by email and lists one customer's orders", async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const mug = await newProduct(api, { type: 'physical', name: 'Mug', stock: null })
      const buy = (email: string) =>
        order(api, [{ product_id: mug, qty: 1 }], { customer_email: email, shipping_address: SHIP_TO })
      const ada = [await buy('ada@example.com'), await buy('ADA@example.com')]
      await buy('bob@example.org')
      await buy('ada_b@example.org')
      const search = async (text: string) =>
        json<List<{ email: string }>>(await api.get(`/v1/customers?email=${encodeURIComponent(text)}`)).data.map(
          (c) => c.email,
        )
      assert.deepEqual(await search('ADA'), ['ada_b@example.org', 'ada@example.com'])
      assert.deepEqual(await search('a_b'), ['ada_b@example.org'], '_ is a character, not a wildcard')
      assert.deepEqual(await search('%'), [])
      assert.deepEqual(await search('example.org'), ['ada_b@example.org', 'bob@example.org'])

      const customerId = ada[0]!.customer_id
      assert.equal(ada[1]!.customer_id, customerId)
      const theirs = json<List<Order>>(await api.get(`/v1/orders?customer_id=${customerId}&limit=1`))
      assert.deepEqual([theirs.data[0]?.id, theirs.has_more], [ada[1]!.id, true])
      const rest = json<List<Order>>(
        await api.get(`/v1/orders?customer_id=${customerId}&limit=1&cursor=${theirs.next_cursor}`),
      )
      assert.deepEqual([rest.data[0]?.id, rest.has_more], [ada[0]!.id, false])
      const other = client(env.app, (await env.newShop()).keys.test)
      assert.deepEqual(json<List<Order>>(await other.get(`/v1/orders?customer_id=${customerId}`)).data, [])
    })

    it('lists webhook endpoints by status', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const add = async (path: string) =>
        json<{ id: string }>(await api.post('/v1/webhooks', { url: `http://127.0.0.1:9/${path}`, events: ['*'] }))
      const on = await add('on')
      const off = await add('off')
      assert.equal((await api.patch(`/v1/webhooks/${off.id}`, { status: 'disabled' })).statusCode, 200)
      const listed = async (status: string) =>
        json<List<{ id: string }>>(await api.get(`/v1/webhooks?status=${status}`)).data.map((w) => w.id)
      assert.deepEqual(await listed('disabled'), [off.id])
      assert.deepEqual(await listed('active'), [on.id])
    })
  })
}
