// GET /v1/reports/daily: orders paid and revenue per UTC day and currency, in the caller's mode.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createManualClock } from '../src/platform/clock.ts'
import { DIALECTS, client, problem, startTestEnv, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct, order } from './orders-helpers.ts'
import { signIn, withSession } from './session-helpers.ts'

const DAY = 86_400_000

for (const dialect of DIALECTS) {
  describe(`${dialect}: daily report`, () => {
    let env: TestEnv
    const clock = createManualClock(Date.UTC(2026, 10, 1, 23, 0))
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, SIGN_IN_PER_ADDRESS: '1000' }, { clock })
    })
    after(() => env.close())

    it('sums the orders paid per day and currency, with empty days, in the caller mode', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const usd = await newProduct(api, { price_cents: 1000 }, ['U1', 'U2', 'U3', 'U4', 'U5', 'U6'])
      const eur = await newProduct(api, { name: 'Euro key', currency: 'EUR', price_cents: 700 }, ['E1'])
      const paid = async (product: string, qty = 1) => {
        const placed = await order(api, [{ product_id: product, qty }])
        assert.equal((await api.post(`/v1/test_helpers/orders/${placed.id}/pay`, {})).statusCode, 200)
      }
      await paid(usd)
      await paid(eur)
      await order(api, [{ product_id: usd, qty: 1 }]) // never paid: not counted
      clock.advance(2 * DAY) // Nov 3, 23:00 UTC
      await paid(usd, 2)
      await paid(usd)
      await env.drain()

      const report = await api.get('/v1/reports/daily?days=4')
      assert.equal(report.statusCode, 200, report.body)
      assert.deepEqual(report.json(), {
        livemode: false,
        from: '2026-10-31',
        to: '2026-11-03',
        data: [
          { date: '2026-10-31', orders: 0, revenue: [] },
          {
            date: '2026-11-01',
            orders: 2,
            revenue: [
              { currency: 'EUR', amount_cents: 700 },
              { currency: 'USD', amount_cents: 1000 },
            ],
          },
          { date: '2026-11-02', orders: 0, revenue: [] },
          { date: '2026-11-03', orders: 2, revenue: [{ currency: 'USD', amount_cents: 3000 }] },
        ],
      })
      assert.equal((await api.get('/v1/reports/daily')).json().data.length, 30)

      const session = await signIn(env.app, shop.owner.email)
      assert.deepEqual((await withSession(env.app, session, 'GET', '/v1/reports/daily?days=4')).json(), report.json())
      const live = (await client(env.app, shop.keys.live).get('/v1/reports/daily?days=4')).json()
      assert.equal(live.livemode, true)
      assert.ok(live.data.every((day: { orders: number }) => day.orders === 0))
      const other = (await client(env.app, (await env.newShop()).keys.test).get('/v1/reports/daily?days=4')).json()
      assert.ok(other.data.every((day: { orders: number }) => day.orders === 0))
    })

    it('refuses a bad range and a key without orders:read', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      for (const days of ['0', '367', 'x']) {
        const refused = await api.get(`/v1/reports/daily?days=${days}`)
        assert.ok([400, 422].includes(refused.statusCode), refused.body)
      }
      const key = (await api.post('/v1/api-keys', { name: 'products', abilities: ['products:read'] })).json()
      problem(await client(env.app, key.secret).get('/v1/reports/daily'), 403, 'forbidden_scope')
    })
  })
}
