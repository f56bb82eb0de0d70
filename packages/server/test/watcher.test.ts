// Live invoices and the chain watcher (issue 13) against a real local EVM node, on both dialects,
// through HTTP with a live key: each order gets its own deposit address and an exact amount; the
// watcher counts a payment only after SX_CONFIRMATIONS_<CHAIN> blocks and while its block is
// canonical; partial then top-up, over, late, reorged-out, two transfers in one transaction and the
// native coin move the order through the invoice state machine to delivery; an RPC failing half its
// calls only slows it down; prices come from RATES_URL, locked on the invoice, a stale one is a 503.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { getAddress, parseEther, type Address } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { createManualClock } from '../src/platform/clock.ts'
import { createEvmAdapter } from '../src/modules/chains/index.ts'
import { fundedDeposits, payerOf, watchStep } from '../src/modules/watcher/index.ts'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, client, json, startTestEnv, type Client, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct } from './orders-helpers.ts'
import { localChain, type LocalChain } from './chain/local-chain.ts'
import { everyOther, startFaultyRpc } from './chain/faulty-rpc.ts'
import { startRates } from './treasury-helpers.ts'

const CONFIRMATIONS = 3
const TUNING = { reorgMargin: 12, rangeBlocks: 2_000 }

let chain: LocalChain
let usdt: Address
let usdc: Address
let rates: Awaited<ReturnType<typeof startRates>>
before(async () => {
  chain = await localChain()
  usdt = await chain.deployToken('USDT', 6)
  usdc = await chain.deployToken('USDC', 6)
  rates = await startRates()
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: live invoices and the chain watcher`, () => {
    let env: TestEnv
    let live: Client
    let productId: string
    const clock = createManualClock()
    // A phrase per dialect: the same phrase would give both databases the same deposit addresses on one node.
    const phrase = generateMnemonic(wordlist, 128)
    before(async () => {
      env = await startTestEnv(
        dialect,
        {
          ...NO_LIMITS,
          SX_WORKER: 'off',
          SX_WALLET_MNEMONIC: phrase,
          SX_RPC_ETHEREUM: chain.url,
          SX_CHAIN_ID_ETHEREUM: String(chain.chainId),
          SX_CONFIRMATIONS_ETHEREUM: String(CONFIRMATIONS),
          SX_TOKEN_ETHEREUM_USDT: usdt,
          SX_TOKEN_ETHEREUM_USDC: usdc,
          RATES_URL: rates.url,
        },
        { clock },
      )
      const shop = await env.newShop()
      live = client(env.app, shop.keys.live)
      productId = await newProduct(
        live,
        { price_cents: 1290, currency: 'USD' },
        Array.from({ length: 40 }, (_, i) => `KEY-${dialect}-${i}`),
      )
    })
    after(() => env.close())

    const adapter = () => env.services.chains[0]!
    const step = () => watchStep(env.services, adapter(), TUNING)
    const get = async (id: string) => json<Order>(await live.get(`/v1/orders/${id}`))
    const place = async (asset = 'USDT') => {
      const res = await live.post('/v1/orders', {
        customer_email: 'buyer@example.com',
        items: [{ product_id: productId, qty: 1 }],
        chain: 'ethereum',
        asset,
      })
      assert.equal(res.statusCode, 201, res.body)
      return json<Order>(res)
    }
    /** Mines until the payment's block has `CONFIRMATIONS` blocks (its own included), then scans. */
    const confirm = async () => {
      await chain.mine(CONFIRMATIONS - 1)
      return step()
    }

    it('exact: own address, exact amount; processing while confirming ("N of M"), paid at the threshold, key delivered', async () => {
      const order = await place()
      const other = await place()
      assert.equal(order.status, 'awaiting_payment')
      assert.equal(order.payment.amount, '12.900000')
      // Its own deposit address, derived from the phrase (index 1, 2, …), never reused.
      const derived = [1, 2, 3, 4].map((i) => mnemonicToAccount(phrase, { addressIndex: i }).address)
      assert.ok(derived.includes(getAddress(order.payment.address!)), 'a deposit address of the phrase')
      assert.notEqual(order.payment.address, other.payment.address)

      await chain.transferToken(usdt, getAddress(order.payment.address!), 12_900_000n)
      assert.equal((await step()).seen, 1)
      let seen = await get(order.id)
      assert.equal(seen.status, 'awaiting_payment')
      assert.equal(seen.payment.status, 'processing')
      const page = await env.app.inject({ url: new URL(order.checkout_url).pathname })
      assert.match(page.body, /seen, 1 of 3 confirmations/)

      const statusUrl = `${new URL(order.checkout_url).pathname}/status`
      const versionAt1 = (await env.app.inject({ url: statusUrl })).json().version
      clock.advance(12_000) // a block later
      await chain.mine(1)
      await step()
      seen = await get(order.id)
      assert.equal(seen.payment.status, 'processing', '2 of 3: not yet')
      // The open page polls its version: a new confirmation moves it, and the page says so.
      assert.notEqual((await env.app.inject({ url: statusUrl })).json().version, versionAt1)
      const page2 = await env.app.inject({ url: new URL(order.checkout_url).pathname })
      assert.match(page2.body, /seen, 2 of 3 confirmations/)
      await chain.mine(1)
      const counted = await step()
      assert.equal(counted.counted, 1)
      await env.drain()
      const done = await get(order.id)
      assert.equal(done.status, 'completed')
      // Who paid (hardhat's account 0 sends the tokens): a refund's default destination.
      assert.equal(await payerOf(env.services.db, order.id), chain.funded(0).address.toLowerCase())
      const funded = await fundedDeposits(env.services.db, 'ethereum')
      assert.ok(funded.some((d) => d.order_id === order.id && d.address === order.payment.address!.toLowerCase()))
      assert.ok(!funded.some((d) => d.order_id === other.id), 'an unpaid deposit has nothing to sweep')
      assert.equal(done.payment.status, 'settled')
      assert.equal(done.payment.amount_paid, '12.900000')
      assert.match(JSON.stringify(done.delivery), /KEY-/)
      // Scanning again (a restart, a re-scan of the window) counts nothing twice.
      assert.equal((await step()).counted, 0)
      assert.equal((await get(order.id)).payment.amount_paid, '12.900000')
    })

    it('one eth_getLogs per step for all tokens and invoices, however many invoices are open', async () => {
      const logsCalls = () => chain.calls.get('eth_getLogs') ?? 0
      await step()
      const before = logsCalls()
      await step()
      const withFew = logsCalls() - before
      for (let i = 0; i < 10; i++) await place(i % 2 ? 'USDT' : 'USDC')
      const mid = logsCalls()
      await step()
      assert.equal(withFew, 1)
      assert.equal(logsCalls() - mid, 1, 'ten more open invoices, still one eth_getLogs')
    })

    it('a step far behind stops after maxScanMs and the next resumes from its cursor', async () => {
      await step()
      await chain.mine(5)
      const cursor = async () =>
        Number(
          (await env.services.db.selectFrom('watch_cursors').select('next_block').executeTakeFirstOrThrow()).next_block,
        )
      const before = await cursor()
      const hurried = { reorgMargin: 12, rangeBlocks: 1, maxScanMs: 0 }
      const first = await watchStep(env.services, adapter(), hurried)
      assert.equal(first.behind, true)
      // Each hurried step re-reads the window, then one new block, and stops.
      let steps = 1
      while ((await watchStep(env.services, adapter(), hurried)).behind) steps++
      assert.equal(await cursor(), before + 5)
      assert.equal(steps, 4)
    })

    it('partial then a top-up to the same address; over; two transfers in one transaction counted apart', async () => {
      const partial = await place()
      const to = getAddress(partial.payment.address!)
      await chain.transferToken(usdt, to, 5_000_000n)
      await confirm()
      let seen = await get(partial.id)
      assert.equal(seen.payment.status, 'partially_paid')
      assert.equal(seen.payment.amount_remaining, '7.900000')
      await chain.transferToken(usdt, to, 7_900_000n)
      await confirm()
      await env.drain()
      seen = await get(partial.id)
      assert.equal(seen.status, 'completed')
      assert.equal(seen.payment.amount_paid, '12.900000')

      const over = await place()
      await chain.transferToken(usdt, getAddress(over.payment.address!), 20_000_000n)
      await confirm()
      await env.drain()
      const overpaid = await get(over.id)
      assert.equal(overpaid.status, 'completed')
      assert.equal(overpaid.payment.amount_paid, '20.000000')

      const twice = await place()
      const addr = getAddress(twice.payment.address!)
      await chain.transferTokenMany(usdt, [
        { to: addr, amount: 6_000_000n },
        { to: addr, amount: 6_900_000n },
      ])
      assert.equal((await confirm()).counted, 2)
      await env.drain()
      const both = await get(twice.id)
      assert.equal(both.status, 'completed')
      assert.equal(both.payment.amount_paid, '12.900000')
    })

    it('reorged out: a payment seen in a block that a reorg replaces is dropped before it counts', async () => {
      const order = await place()
      const snap = await chain.snapshot()
      await chain.transferToken(usdt, getAddress(order.payment.address!), 12_900_000n)
      await step()
      assert.equal((await get(order.id)).payment.status, 'processing')
      await chain.revert(snap)
      // The other branch grows past the confirmations without the payment.
      await chain.mine(CONFIRMATIONS + 1)
      const report = await step()
      assert.equal(report.dropped, 1)
      assert.equal(report.counted, 0)
      const after = await get(order.id)
      assert.equal(after.status, 'awaiting_payment')
      assert.equal(after.payment.status, 'new')
      assert.equal(after.payment.amount_paid, '0.000000')
    })

    it('a payment seen before expiry holds the expiry while it confirms', async () => {
      const order = await place()
      await chain.transferToken(usdt, getAddress(order.payment.address!), 12_900_000n)
      await step()
      clock.advance(31 * 60_000)
      await env.drain()
      assert.equal((await get(order.id)).status, 'awaiting_payment', 'not expired while confirming')
      await confirm()
      await env.drain()
      const paid = await get(order.id)
      assert.equal(paid.status, 'completed')
      assert.equal(paid.payment.status, 'settled')
    })

    it('late: a payment in full after expiry is paid_late (credited, order stays failed)', async () => {
      const order = await place()
      clock.advance(31 * 60_000)
      await env.drain()
      assert.equal((await get(order.id)).status, 'failed')
      await chain.transferToken(usdt, getAddress(order.payment.address!), 12_900_000n)
      await confirm()
      await env.drain()
      const late = await get(order.id)
      assert.equal(late.status, 'failed')
      assert.equal(late.payment.status, 'paid_late')
    })

    it('native coin: priced by RATES_URL and locked; a stale rate is a 503; paid in ETH', async () => {
      rates.state.failing = false
      rates.state.eth = '0.0004'
      const order = await place('ETH')
      // 12.90 USD × 0.0004 ETH/USD = 0.00516 ETH.
      assert.equal(order.payment.amount, '0.005160000000000000')
      // The rate moves; the invoice keeps its quote.
      rates.state.eth = '0.0005'
      await chain.sendNative(getAddress(order.payment.address!), parseEther('0.00516'))
      await confirm()
      await env.drain()
      const paid = await get(order.id)
      assert.equal(paid.status, 'completed')
      assert.equal(paid.payment.amount, '0.005160000000000000')

      rates.state.failing = true
      clock.advance(6 * 60_000)
      const refused = await live.post('/v1/orders', {
        customer_email: 'buyer@example.com',
        items: [{ product_id: productId, qty: 1 }],
        chain: 'ethereum',
        asset: 'ETH',
      })
      assert.equal(refused.statusCode, 503, refused.body)
      rates.state.failing = false
    })

    it('a live order on a chain that is not configured is a 409 naming the setting', async () => {
      const res = await live.post('/v1/orders', {
        customer_email: 'buyer@example.com',
        items: [{ product_id: productId, qty: 1 }],
        chain: 'polygon',
        asset: 'USDT',
      })
      assert.equal(res.statusCode, 409, res.body)
      assert.match(res.body, /SX_RPC_POLYGON/)
    })

    it('an RPC failing half its calls: the step still counts the payment, once', async () => {
      const proxy = await startFaultyRpc(chain.url)
      try {
        proxy.fault = everyOther('http-500')
        const settings = env.services.config.live.evm[0]!
        const faulty = createEvmAdapter({ ...settings, rpcUrl: proxy.url }, { sleep: async () => {} })
        const order = await place()
        await chain.transferToken(usdt, getAddress(order.payment.address!), 12_900_000n)
        await chain.mine(CONFIRMATIONS - 1)
        const report = await watchStep(env.services, faulty, TUNING)
        assert.equal(report.counted, 1)
        assert.ok(proxy.count('eth_getLogs', 'http-500') >= 1, 'log reads failed and were retried')
        await env.drain()
        assert.equal((await get(order.id)).status, 'completed')
      } finally {
        await proxy.close()
      }
    })
  })
}
