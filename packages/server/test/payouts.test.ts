// Balances and payouts through the HTTP API: credits per currency, a payout's lifecycle and events,
// addresses checked per chain, failures credited back, and live mode with and without a provider.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { paySandboxInvoice } from '../src/modules/orders/index.ts'
import { sandboxFailingAddress, type PayoutProvider } from '../src/modules/payments/index.ts'
import type { Payout } from '../src/modules/payouts/payouts.schemas.ts'
import { DIALECTS, client, json, present, problem, startTestEnv, type List, type TestEnv } from './harness.ts'
import { eventsOf, newProduct, order } from './orders-helpers.ts'
import {
  MONEY_ENV,
  TRON_ADDRESS,
  balanceOf,
  idempotent,
  paidOrder,
  payout,
  refund,
  settledPayout,
} from './money-helpers.ts'

const amounts = (b: { available_cents: number; pending_cents: number }) => [b.available_cents, b.pending_cents]

for (const dialect of DIALECTS) {
  describe(`${dialect}: balance and payouts`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, MONEY_ENV)
    })
    after(() => env.close())

    it('balance: paid orders credit their own currency; the first currency is on top, every one in balances, each mode apart', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      assert.deepEqual(await balanceOf(api), {
        currency: 'USD',
        available_cents: 0,
        pending_cents: 0,
        livemode: false,
        balances: [],
      })
      await paidOrder(api, { price_cents: 5000, currency: 'EUR' })
      await paidOrder(api, { price_cents: 12900, currency: 'USD' })
      await order(api, [{ product_id: await newProduct(api, { price_cents: 777 }, ['UNPAID']), qty: 1 }])
      assert.deepEqual(await balanceOf(api), {
        currency: 'EUR',
        available_cents: 5000,
        pending_cents: 0,
        livemode: false,
        balances: [
          { currency: 'EUR', available_cents: 5000, pending_cents: 0 },
          { currency: 'USD', available_cents: 12900, pending_cents: 0 },
        ],
      })
      assert.deepEqual(amounts(await balanceOf(api, 'USD')), [12900, 0])
      assert.deepEqual(amounts(await balanceOf(api, 'GBP')), [0, 0])
      problem(await api.get('/v1/balance?currency=usd'), 422, 'unprocessable')
      assert.deepEqual(
        (await balanceOf(client(env.app, shop.keys.live))).balances,
        [],
        'live money is apart from test money',
      )
    })

    it('a payout is checked and debited at once, then moves queued → broadcast → confirmed with its events', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      await paidOrder(api)
      const created = await payout(api, { amount_cents: 10000, memo: 'rent' })
      assert.equal(created.statusCode, 201, created.body)
      const queued = created.json()
      assert.deepEqual(
        { ...queued, id: undefined, created_at: undefined },
        {
          id: undefined,
          status: 'queued',
          chain: 'tron',
          asset: 'USDT',
          amount_cents: 10000,
          currency: 'USD',
          amount: '100.000000',
          destination_address: TRON_ADDRESS,
          memo: 'rent',
          tx_hash: null,
          failure_reason: null,
          livemode: false,
          created_at: undefined,
          broadcast_at: null,
          confirmed_at: null,
          failed_at: null,
        },
      )
      assert.deepEqual(amounts(await balanceOf(api)), [2900, 10000])
      problem(await payout(api, { amount_cents: 2901 }), 422, 'unprocessable')
      const confirmed = await settledPayout(api, queued.id)
      assert.equal(confirmed.status, 'confirmed')
      assert.match(present(confirmed.tx_hash, 'tx_hash'), /^[0-9a-f]{64}$/)
      assert.ok(confirmed.broadcast_at && confirmed.confirmed_at && confirmed.broadcast_at <= confirmed.confirmed_at)
      assert.deepEqual(amounts(await balanceOf(api)), [2900, 0])
      const events = (await eventsOf(env, shop.shop.id)).filter((e) => e.type.startsWith('payout.'))
      assert.deepEqual(
        events.map((e) => `${e.type} ${JSON.parse(e.data).status}`),
        ['payout.queued queued', 'payout.broadcast broadcast', 'payout.confirmed confirmed'],
      )
      assert.deepEqual(
        json<List<Payout>>(await api.get('/v1/payouts?status=confirmed')).data.map((p) => p.id),
        [queued.id],
      )
      assert.deepEqual((await api.get('/v1/payouts?status=queued')).json().data, [])
      problem(await api.get('/v1/payouts?status=sent'), 422, 'unprocessable')
      problem(await client(env.app, (await env.newShop()).keys.test).get(`/v1/payouts/${queued.id}`), 404, 'not_found')
      problem(await client(env.app, shop.keys.live).get(`/v1/payouts/${queued.id}`), 404, 'not_found')
    })

    it('takes a payout in the main currency unless told, quotes it into the asset, and refuses a currency it does not hold', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      await paidOrder(api, { price_cents: 20000, currency: 'EUR' })
      const btc = (
        await payout(api, {
          chain: 'bitcoin',
          asset: 'BTC',
          amount_cents: 1000,
          destination_address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
        })
      ).json()
      assert.deepEqual(
        [btc.currency, btc.amount],
        ['EUR', '0.00016616'],
        '€10 at the sandbox rates, rounded up to a satoshi',
      )
      assert.ok(
        problem(await payout(api, { amount_cents: 100, currency: 'USD' }), 422, 'unprocessable').errors?.amount_cents,
      )
      assert.ok(problem(await payout(api, { amount_cents: 100, currency: 'JPY' }), 422, 'unprocessable').errors)
    })

    it("checks the asset on its chain and the address in its chain's format", async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      await paidOrder(api)
      const valid = [
        ['ethereum', 'USDC', '0x52908400098527886E0F7030069857D2E4169EE7'],
        ['base', 'ETH', '0x52908400098527886e0f7030069857d2e4169ee7'],
        ['bitcoin', 'BTC', 'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297'],
        ['bitcoin', 'BTC', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
        ['bitcoin', 'BTC', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx'],
        ['solana', 'USDC', '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV'],
      ]
      for (const [chain, asset, address] of valid) {
        assert.equal(
          (await payout(api, { chain, asset, amount_cents: 100, destination_address: address })).statusCode,
          201,
          `${chain} ${address}`,
        )
      }
      const invalid: [Record<string, unknown>, string][] = [
        [
          { chain: 'ethereum', asset: 'USDC', destination_address: '0x52908400098527886E0F7030069857D2E4169Ee7' },
          'destination_address',
        ],
        [{ chain: 'tron', destination_address: 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU8' }, 'destination_address'],
        [
          { chain: 'solana', asset: 'SOL', destination_address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLt' },
          'destination_address',
        ],
        [{ chain: 'bitcoin', asset: 'BTC', destination_address: TRON_ADDRESS }, 'destination_address'],
        [{ chain: 'tron', asset: 'BTC' }, 'asset'],
        [{ chain: 'dogecoin' }, 'chain'],
        [{ amount_cents: 0 }, 'amount_cents'],
        [{ memo: 'x'.repeat(101) }, 'memo'],
        [{ currency: 'usd' }, 'currency'],
        [{ destination: TRON_ADDRESS }, 'destination'],
      ]
      for (const [body, field] of invalid) {
        assert.ok(
          problem(await payout(api, { amount_cents: 100, ...body }), 422, 'unprocessable').errors?.[field],
          `${JSON.stringify(body)} → errors.${field}`,
        )
      }
      assert.ok(
        problem(
          await api.post('/v1/payouts', {
            chain: 'tron',
            asset: 'USDT',
            amount_cents: 100,
            destination_address: TRON_ADDRESS,
          }),
          400,
          'invalid_request',
        ).errors?.['Idempotency-Key'],
      )
      assert.equal(
        (await api.get('/v1/payouts')).json().data.length,
        valid.length,
        'refused payouts leave nothing behind',
      )
    })

    it('a failed payout credits the balance back and emits payout.failed', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      await paidOrder(api)
      const created = (
        await payout(api, { amount_cents: 12900, destination_address: sandboxFailingAddress('tron') })
      ).json()
      assert.deepEqual(amounts(await balanceOf(api)), [0, 12900])
      const failed = await settledPayout(api, created.id)
      assert.equal(failed.status, 'failed')
      assert.ok(failed.failed_at && failed.tx_hash && failed.failure_reason)
      assert.deepEqual(amounts(await balanceOf(api)), [12900, 0])
      const types = (await eventsOf(env, shop.shop.id)).map((e) => e.type).filter((t) => t.startsWith('payout.'))
      assert.deepEqual(types, ['payout.queued', 'payout.broadcast', 'payout.failed'])
    })

    it('live mode pays out through the configured provider, and takes mainnet addresses only', async () => {
      const shop = await env.newShop()
      const live = client(env.app, shop.keys.live)
      const o = await order(live, [{ product_id: await newProduct(live, {}, ['LIVE-1']), qty: 1 }])
      await env.services.db.transaction().execute((trx) => paySandboxInvoice(env.services, trx, o.id, { amount: null }))
      assert.deepEqual(amounts(await balanceOf(live)), [12900, 0])
      problem(
        await payout(live, {
          chain: 'bitcoin',
          asset: 'BTC',
          amount_cents: 100,
          destination_address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
        }),
        422,
        'unprocessable',
      )
      const sent = await settledPayout(live, (await payout(live, { amount_cents: 4000 })).json().id)
      assert.deepEqual([sent.status, sent.livemode], ['confirmed', true])
      assert.deepEqual(amounts(await balanceOf(live)), [8900, 0])
      assert.deepEqual(amounts(await balanceOf(client(env.app, shop.keys.test))), [0, 0])
    })
  })

  describe(`${dialect}: live mode without a payout provider`, () => {
    let env: TestEnv
    const unused: PayoutProvider = {
      id: 'unused',
      refundsToPayer: true,
      send: () => {
        throw new Error('unused')
      },
      check: () => {
        throw new Error('unused')
      },
    }
    before(async () => {
      env = await startTestEnv(dialect, MONEY_ENV, { payouts: { sandbox: unused, live: null } })
    })
    after(() => env.close())

    it('answers payouts and refunds with 409 until one is configured, and moves no money', async () => {
      const shop = await env.newShop()
      const live = client(env.app, shop.keys.live)
      const o = await order(live, [{ product_id: await newProduct(live, {}, ['LIVE-2']), qty: 1 }])
      await env.services.db.transaction().execute((trx) => paySandboxInvoice(env.services, trx, o.id, { amount: null }))
      assert.match(
        problem(await payout(live, { amount_cents: 100 }), 409, 'conflict').detail,
        /No live payout provider/,
      )
      assert.match(problem(await refund(live, o.id), 409, 'conflict').detail, /No live payout provider/)
      problem(await live.post(`/v1/orders/ord_01J2PVP4XJ7Q2ZP6V1H3M9TEAB/refunds`, {}, idempotent()), 404, 'not_found')
      assert.deepEqual(amounts(await balanceOf(live)), [12900, 0])
    })
  })
}
