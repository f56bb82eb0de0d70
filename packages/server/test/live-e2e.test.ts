// Issue 13's "done when", as an operator lives it: a phrase and an RPC URL (the local node), `sx serve`
// as a real process, everything else through its HTTP API with the live key. A license key sells for
// USDT paid from a buyer's account on the node; after the confirmations the order completes and the
// buyer's page shows the key; the balance shows the money; the worker sweeps the deposit into the
// treasury; a payout lands on the merchant's own address and a refund on the buyer's, exact amounts
// read from the chain; `sx doctor` agrees with the chain, and reports a shortfall once tokens leave
// the treasury behind sx's back.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { createWalletClient, defineChain, getAddress, http, type Address } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import type { Payout } from '../src/modules/payouts/payouts.schemas.ts'
import type { Refund } from '../src/modules/refunds/refunds.schemas.ts'
import { DIALECTS, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { LOCAL_CHAIN_ID, TOKEN_ABI } from './chain/local-chain.ts'
import { LISTENING, exitWithin, runSx, waitFor } from './processes.ts'
import { chainEnv, fund, freshAddress, treasuryRig, type Rig } from './treasury-helpers.ts'

const USDT = (whole: number) => BigInt(Math.round(whole * 1_000_000))

let r: Rig
before(async () => {
  r = await treasuryRig()
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: an operator takes a live USDT payment and pays it out (issue 13, done when)`, () => {
    let env: TestEnv
    let settings: Record<string, string>
    let treasury: Address
    before(async () => {
      const made = chainEnv(r, { SX_CONFIRMATIONS_ETHEREUM: '3', RATES_URL: 'http://127.0.0.1:9/unused' })
      settings = made.settings
      treasury = made.treasury
      // The in-test app only makes the database and the shop: `sx serve` below does all the work.
      env = await startTestEnv(dialect, { ...settings, SX_WORKER: 'off' })
    })
    after(() => env.close())

    /** Polls `done`, mining a block before each look: transactions sx sends need blocks on top to confirm. */
    const mineUntil = (done: () => Promise<boolean>, what: string) =>
      waitFor(async () => {
        await r.chain.mine(1)
        return done()
      }, what)
    const sxEnv = () => ({ ...settings, DATABASE_URL: env.dbUrl, SX_DATA_DIR: env.dataDir })

    it('sells a key for USDT, sweeps, pays out, refunds, and sx doctor agrees with the chain', async () => {
      const liveKey = (await env.newShop()).keys.live
      // The treasury pays gas for the sweep's top-up and for the payout and refund; its tokens all come from sales.
      await fund(r, treasury, { eth: '1' })
      const serve = runSx(['serve'], {
        ...sxEnv(),
        SX_DEMO_SEED: 'false',
        PORT: '0',
        JOB_POLL_MS: '50',
        SX_WATCH_INTERVAL_MS: '100',
        SX_SWEEP_INTERVAL_SECONDS: '1',
      })
      await waitFor(() => LISTENING.test(serve.output().stdout), 'sx serve to listen')
      const baseUrl = serve.output().stdout.match(LISTENING)![1]!
      const api = async <T>(path: string, body?: unknown): Promise<{ status: number; body: T }> => {
        const res = await fetch(`${baseUrl}${path}`, {
          method: body ? 'POST' : 'GET',
          headers: {
            authorization: `Bearer ${liveKey}`,
            ...(body ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        })
        return { status: res.status, body: (await res.json()) as T }
      }

      // The merchant lists a license key with stock.
      const product = await api<{ id: string }>('/v1/products', sampleProduct({ price_cents: 2500, currency: 'USD' }))
      assert.equal(product.status, 201)
      const stock = await api(`/v1/products/${product.body.id}/stock`, { items: ['LIVE-KEY-0001'] })
      assert.equal(stock.status, 201)

      // A buyer orders it for USDT on ethereum: a deposit address of its own and the exact amount.
      const placed = await api<Order>('/v1/orders', {
        customer_email: 'buyer@example.com',
        items: [{ product_id: product.body.id, qty: 1 }],
        chain: 'ethereum',
        asset: 'USDT',
      })
      assert.equal(placed.status, 201, JSON.stringify(placed.body))
      const order = placed.body
      assert.deepEqual([order.status, order.payment.amount], ['awaiting_payment', '25.000000'])
      const deposit = getAddress(order.payment.address!)

      // The buyer pays from an account of their own on the node.
      const buyer = r.chain.funded(1).address
      await r.chain.transferToken(r.usdt, buyer, USDT(100))
      const buyerBefore = await r.chain.tokenBalance(r.usdt, buyer)
      await r.chain.transferToken(r.usdt, deposit, USDT(25), 1)
      const read = async () => (await api<Order>(`/v1/orders/${order.id}`)).body
      await waitFor(async () => (await read()).payment.status === 'processing', 'the payment to be seen')
      assert.equal((await read()).status, 'awaiting_payment', 'not paid before 3 confirmations')
      await mineUntil(async () => (await read()).status === 'completed', 'the order to complete')
      const done = await read()
      assert.equal(done.payment.amount_paid, '25.000000')
      assert.match(JSON.stringify(done.delivery), /LIVE-KEY-0001/)
      // The buyer's own page (the checkout URL, no key) shows the delivered key.
      const page = await fetch(`${baseUrl}${new URL(done.checkout_url).pathname}`)
      assert.equal(page.status, 200)
      assert.match(await page.text(), /LIVE-KEY-0001/)

      // The merchant sees the money.
      const balance = await api<{ balances: { currency: string; available_cents: number; pending_cents: number }[] }>(
        '/v1/balance',
      )
      assert.equal(balance.status, 200)
      assert.deepEqual(
        balance.body.balances.map((b) => [b.currency, b.available_cents, b.pending_cents]),
        [['USD', 2500, 0]],
      )

      // The worker tops the deposit up with gas, then sweeps its 25 USDT into the treasury.
      await mineUntil(
        async () => (await r.chain.tokenBalance(r.usdt, treasury)) === USDT(25),
        'the deposit to be swept into the treasury',
      )
      assert.equal(await r.chain.tokenBalance(r.usdt, deposit), 0n)

      // A payout of 10 USD to the merchant's own address: exactly 10 USDT on chain.
      const own = freshAddress()
      const payout = await api<Payout>('/v1/payouts', {
        chain: 'ethereum',
        asset: 'USDT',
        amount_cents: 1000,
        destination_address: own,
      })
      assert.equal(payout.status, 201, JSON.stringify(payout.body))
      let paidOut: Payout | undefined
      await mineUntil(
        async () => (paidOut = (await api<Payout>(`/v1/payouts/${payout.body.id}`)).body).status === 'confirmed',
        'the payout to confirm',
      )
      assert.equal(await r.chain.tokenBalance(r.usdt, own), USDT(10))
      const payoutTx = await r.chain.pub.getTransactionReceipt({ hash: paidOut!.tx_hash as `0x${string}` })
      assert.equal(payoutTx.from.toLowerCase(), treasury.toLowerCase())

      // A refund of 5 USD back to the buyer's account.
      const refund = await api<Refund>(`/v1/orders/${order.id}/refunds`, {
        amount_cents: 500,
        destination_address: buyer,
      })
      assert.equal(refund.status, 200, JSON.stringify(refund.body))
      const refundState = async () =>
        (await api<{ data: Refund[] }>(`/v1/orders/${order.id}/refunds`)).body.data.find((x) => x.id === refund.body.id)
          ?.status
      await mineUntil(async () => (await refundState()) === 'succeeded', 'the refund to land')
      assert.equal(await r.chain.tokenBalance(r.usdt, buyer), buyerBefore - USDT(25) + USDT(5))
      assert.equal(await r.chain.tokenBalance(r.usdt, treasury), USDT(10))
      const after = await api<{ balances: { available_cents: number; pending_cents: number }[] }>('/v1/balance')
      assert.deepEqual([after.body.balances[0]!.available_cents, after.body.balances[0]!.pending_cents], [1000, 0])

      serve.child.kill('SIGTERM')
      await exitWithin(serve, 30_000)

      // The doctor: the ledger owes the shop 10 USD, the treasury holds 10 USDT.
      const healthy = runSx(['doctor'], { ...sxEnv(), LOG_LEVEL: 'warn' })
      assert.equal(await exitWithin(healthy, 60_000), 0, JSON.stringify(healthy.output()))
      assert.match(healthy.output().stdout, /chain ok: 10\.00 USD in stablecoins on chain cover the 10\.00 USD/)

      // 4 USDT leave the treasury behind sx's back (someone else with the phrase): a shortfall, exit 1.
      const local = defineChain({
        id: LOCAL_CHAIN_ID,
        name: 'local',
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [r.chain.url] } },
      })
      const other = createWalletClient({
        account: mnemonicToAccount(settings.SX_WALLET_MNEMONIC!, { addressIndex: 0 }),
        chain: local,
        transport: http(r.chain.url),
      })
      const hash = await other.writeContract({
        address: r.usdt,
        abi: TOKEN_ABI,
        functionName: 'transfer',
        args: [freshAddress(), USDT(4)],
      })
      await r.chain.pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })
      const short = runSx(['doctor'], { ...sxEnv(), LOG_LEVEL: 'warn' })
      assert.equal(await exitWithin(short, 60_000), 1, JSON.stringify(short.output()))
      assert.match(
        short.output().stdout,
        /chain shortfall: the ledger owes shops 10\.00 USD \(live\), the chain holds 6\.00 USD .*: 4\.00 USD missing/,
      )
    })
  })
}
