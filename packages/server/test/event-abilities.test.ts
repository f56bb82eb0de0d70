// Events are as private as their objects (issue 10, item 4): GET /v1/events and /v1/events/{id}
// need, besides webhooks:read, the read ability of each event's object (order.* orders:read,
// customer.* customers:read, product.* products:read, payout.* payouts:read), and subscribing a
// webhook endpoint to events (create, or a change of its events or URL) needs the same abilities.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, present, problem, startTestEnv, type Client, type TestEnv } from './harness.ts'
import { MONEY_ENV, paidOrder, payout, settledPayout } from './money-helpers.ts'

const FAMILIES = {
  order: 'orders:read',
  customer: 'customers:read',
  product: 'products:read',
  payout: 'payouts:read',
} as const
type Family = keyof typeof FAMILIES
const familyOf = (type: string) => type.split('.')[0] as Family

for (const dialect of DIALECTS) {
  describe(`${dialect}: events and the abilities of their objects`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, MONEY_ENV)
    })
    after(() => env.close())

    const mint = async (owner: Client, abilities: string[]) => {
      const res = await owner.post('/v1/api-keys', { name: abilities.join(' '), abilities })
      assert.equal(res.statusCode, 201, res.body)
      return client(env.app, res.json().secret)
    }
    const allEvents = async (api: Client, limit = 100) => {
      const seen: { id: string; type: string; data: unknown }[] = []
      let cursor: string | null = null
      do {
        const res = await api.get(`/v1/events?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
        assert.equal(res.statusCode, 200, res.body)
        seen.push(...res.json().data)
        cursor = res.json().next_cursor
      } while (cursor)
      return seen
    }

    it('lists and shows only the events whose object the key may read; 403 names the ability for the rest', async () => {
      const shop = await env.newShop()
      const owner = client(env.app, shop.keys.test)
      const paid = await paidOrder(owner)
      const queued = await payout(owner, { amount_cents: 1000 })
      assert.equal(queued.statusCode, 201, queued.body)
      // Its later events (broadcast, confirmed) first, so the shop's events hold still from here on.
      await settledPayout(owner, queued.json().id)
      const everything = await allEvents(owner)
      const byFamily = (family: Family) => everything.filter((e) => familyOf(e.type) === family)
      for (const family of Object.keys(FAMILIES) as Family[])
        assert.ok(byFamily(family).length > 0, `the shop has ${family} events`)
      assert.ok(
        JSON.stringify(byFamily('order')).includes(present(paid.delivery.items[0]?.value, 'the delivered good')),
        'order events carry the delivered goods',
      )

      const hooksOnly = await mint(owner, ['webhooks:read'])
      assert.deepEqual(await allEvents(hooksOnly), [], 'webhooks:read alone lists nothing')
      for (const event of everything) {
        const refused = problem(await hooksOnly.get(`/v1/events/${event.id}`), 403, 'forbidden_scope')
        assert.ok(refused.detail.includes(FAMILIES[familyOf(event.type)]), refused.detail)
      }
      assert.ok(
        problem(await hooksOnly.get('/v1/events?type=order.delivered'), 403, 'forbidden_scope').detail.includes(
          'orders:read',
        ),
      )

      for (const [family, ability] of Object.entries(FAMILIES) as [Family, string][]) {
        const reader = await mint(owner, ['webhooks:read', ability])
        // Small pages: leaving events out must not break the walk.
        const listed = await allEvents(reader, 2)
        assert.deepEqual(
          listed.map((e) => e.id),
          byFamily(family).map((e) => e.id),
          `${ability} lists exactly the ${family}.* events`,
        )
        for (const event of everything) {
          const res = await reader.get(`/v1/events/${event.id}`)
          if (familyOf(event.type) === family) assert.deepEqual(res.json(), event)
          else assert.ok(problem(res, 403, 'forbidden_scope').detail.includes(FAMILIES[familyOf(event.type)]))
        }
      }
      const ordersAndCustomers = await mint(owner, ['webhooks:read', 'orders:read', 'customers:read'])
      assert.deepEqual(
        (await allEvents(ordersAndCustomers)).map((e) => e.type).sort(),
        [...byFamily('order'), ...byFamily('customer')].map((e) => e.type).sort(),
      )
      assert.equal((await ordersAndCustomers.get('/v1/events?type=order.paid')).json().data.length, 1)
    })

    it('lets a key subscribe an endpoint only to events it may read', async () => {
      const shop = await env.newShop()
      const owner = client(env.app, shop.keys.test)
      const url = 'http://127.0.0.1:9/hook'
      const writer = await mint(owner, ['webhooks:write'])
      const orders = await mint(owner, ['webhooks:write', 'orders:read'])
      const refusal = async (api: Client, events: string[], lacking: string[]) => {
        const body = problem(await api.post('/v1/webhooks', { url, events }), 403, 'forbidden_scope')
        for (const ability of lacking)
          assert.ok(
            body.detail.includes(`lacks`) && body.detail.split('lacks')[1]!.includes(ability),
            `${events} names ${ability}: ${body.detail}`,
          )
        return body
      }
      await refusal(writer, ['order.paid'], ['orders:read'])
      await refusal(writer, ['product.*'], ['products:read'])
      await refusal(writer, ['*'], Object.values(FAMILIES))
      const partial = await refusal(orders, ['*'], ['customers:read', 'products:read', 'payouts:read'])
      assert.ok(!partial.detail.split('lacks')[1]!.includes('orders:read'), 'only what is missing is named as lacking')
      await refusal(orders, ['order.paid', 'customer.created'], ['customers:read'])
      assert.equal((await owner.get('/v1/webhooks')).json().data.length, 0, 'nothing was created')
      const mine = await orders.post('/v1/webhooks', { url, events: ['order.*'] })
      assert.equal(mine.statusCode, 201, mine.body)

      // The owner's endpoint gets everything; a key that may read only orders cannot take it over.
      const all = (await owner.post('/v1/webhooks', { url, events: ['*'] })).json()
      const before = (await owner.get(`/v1/webhooks/${all.id}`)).json()
      problem(await orders.patch(`/v1/webhooks/${all.id}`, { url: 'http://127.0.0.1:10/mine' }), 403, 'forbidden_scope')
      problem(await orders.patch(`/v1/webhooks/${all.id}`, { events: ['payout.*'] }), 403, 'forbidden_scope')
      assert.deepEqual((await owner.get(`/v1/webhooks/${all.id}`)).json(), before, 'refused changes change nothing')
      assert.equal(
        (await orders.patch(`/v1/webhooks/${all.id}`, { description: 'a note' })).statusCode,
        200,
        'other fields need no read ability',
      )
      assert.equal((await orders.patch(`/v1/webhooks/${all.id}`, { events: ['order.paid'] })).statusCode, 200)
      const moved = await orders.patch(`/v1/webhooks/${all.id}`, { url: 'http://127.0.0.1:10/mine' })
      assert.equal(moved.statusCode, 200, moved.body)
      assert.deepEqual(moved.json().events, ['order.paid'])
    })
  })
}
