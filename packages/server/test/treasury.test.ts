// Live payouts and refunds as real signed transfers from the treasury, against a local EVM node,
// through HTTP with a live key: the exact amount lands (read from the chain), `confirmed` only after
// SX_CONFIRMATIONS_ETHEREUM blocks, a revert is `failed` and credited back, a treasury that cannot
// pay is a clear failure (nothing signed), a chain that is not configured is a 409 naming the
// setting; sweeping moves deposit money into the treasury; the doctor's chain check finds a shortfall.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  createWalletClient,
  defineChain,
  getAddress,
  http,
  parseEther,
  parseTransaction,
  parseUnits,
  type Address,
  type Hex,
} from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { DIALECTS, client, problem, startTestEnv, type TestEnv } from './harness.ts'
import { balanceOf, idempotent, settledPayout, settledRefund } from './money-helpers.ts'
import {
  chainEnv,
  freshAddress,
  fund,
  paidLiveOrder,
  setBlocked,
  startRates,
  treasuryRig,
  type Rig,
} from './treasury-helpers.ts'
import { runSweep, SWEEP_JOB } from '../src/modules/treasury/index.ts'
import { checkChain } from '../src/doctor/chain-check.ts'
import { LOCAL_CHAIN_ID } from './chain/local-chain.ts'
import { runSx, waitFor } from './processes.ts'
import { newProduct, order, settle } from './orders-helpers.ts'
import { DEFAULT_TUNING, watchStep } from '../src/modules/watcher/index.ts'

const amounts = (b: { balances: { available_cents: number; pending_cents: number }[] }) => [
  b.balances[0]!.available_cents,
  b.balances[0]!.pending_cents,
]

for (const dialect of DIALECTS) {
  describe(`${dialect}: the live treasury on a local node`, () => {
    let env: TestEnv
    let r: Rig
    let treasury: Address
    let phrase: string
    let settings: Record<string, string>
    before(async () => {
      r = await treasuryRig()
      const made = chainEnv(r, { RATES_URL: (await startRates()).url, SX_FEE_BUMP_AFTER_SECONDS: '1' })
      settings = made.settings
      phrase = settings.SX_WALLET_MNEMONIC!
      treasury = made.treasury
      env = await startTestEnv(dialect, settings)
      await fund(r, treasury, { usdt: 100n, eth: '1' })
    })
    after(() => env.close())

    const payoutTo = (live: ReturnType<typeof client>, to: string, cents: number, chain = 'ethereum') =>
      live.post('/v1/payouts', { chain, asset: 'USDT', amount_cents: cents, destination_address: to }, idempotent())
    /** A live order of `cents` USD placed through HTTP, paid on chain by `pay`, counted by the watcher. */
    const paidOnChain = async (
      live: ReturnType<typeof client>,
      cents: number,
      asset: string,
      pay: (to: Address, amount: string) => Promise<unknown>,
    ) => {
      const product = await newProduct(live, { price_cents: cents, currency: 'USD' }, [`KEY-${Math.random()}`])
      const placed = await order(live, [{ product_id: product, qty: 1 }], { chain: 'ethereum', asset })
      await pay(getAddress(placed.payment.address!), placed.payment.amount!)
      await r.chain.mine(1)
      await watchStep(env.services, env.services.chains[0]!, DEFAULT_TUNING)
      await settle(live, placed.id)
      return placed
    }
    const chainRow = (reference: string) =>
      env.services.db.selectFrom('chain_transactions').selectAll().where('reference', '=', reference).executeTakeFirst()

    it('one adapter per chain: the watcher and the treasury use the same one', () => {
      const [adapter] = env.services.chains
      assert.equal(env.services.chains.length, 1)
      assert.equal(env.services.treasury!.senders.get('ethereum')!.adapter, adapter)
    })

    it('a payout lands on chain with the exact amount, and is confirmed only after the confirmations', async () => {
      const shop = await env.newShop()
      const { live } = await paidLiveOrder(env, shop.keys.live, 12900)
      const to = freshAddress()
      const created = await payoutTo(live, to, 4000)
      assert.equal(created.statusCode, 201, created.body)
      const broadcast = await settledPayout(live, created.json().id, ['broadcast', 'confirmed', 'failed'])
      assert.equal(broadcast.status, 'broadcast', 'mined in one block, SX_CONFIRMATIONS_ETHEREUM is 2')
      assert.equal(await r.chain.tokenBalance(r.usdt, to), 40_000_000n, 'exactly 40 USDT (6 decimals)')
      const row = (await chainRow(created.json().id))!
      assert.deepEqual([row.status, row.tx_hash, row.from_address], ['broadcast', broadcast.tx_hash, treasury])
      assert.equal(Number(row.broadcasts), 1)
      await r.chain.mine(1)
      const confirmed = await settledPayout(live, created.json().id)
      assert.deepEqual([confirmed.status, confirmed.tx_hash], ['confirmed', broadcast.tx_hash])
      const receipt = await r.chain.pub.getTransactionReceipt({ hash: confirmed.tx_hash as `0x${string}` })
      assert.equal(receipt.from.toLowerCase(), treasury.toLowerCase())
      assert.deepEqual(amounts(await balanceOf(live)), [8900, 0])
    })

    it('a refund goes back on chain to destination_address, exactly the share of what was paid', async () => {
      const shop = await env.newShop()
      const { live, order } = await paidLiveOrder(env, shop.keys.live, 2000)
      const to = freshAddress()
      const res = await live.post(
        `/v1/orders/${order.id}/refunds`,
        { amount_cents: 500, destination_address: to },
        idempotent(),
      )
      assert.equal(res.statusCode, 200, res.body)
      await waitForChainRow(res.json().id)
      await r.chain.mine(1)
      const done = await settledRefund(live, order.id, res.json().id)
      assert.equal(done.status, 'succeeded', JSON.stringify(done))
      assert.equal(await r.chain.tokenBalance(r.usdt, to), 5_000_000n, '5 USDT of the 20 paid')
      assert.deepEqual(amounts(await balanceOf(live)), [1500, 0])
    })

    it('a refund without destination_address goes back to the address that paid on chain', async () => {
      const shop = await env.newShop()
      const live = client(env.app, shop.keys.live)
      const payer = r.chain.funded(2).address
      await r.chain.transferToken(r.usdt, payer, 10_000_000n)
      const paid = await paidOnChain(live, 1000, 'USDT', (to, amount) =>
        r.chain.transferToken(r.usdt, to, parseUnits(amount, 6), 2),
      )
      const before = await r.chain.tokenBalance(r.usdt, payer)
      const res = await live.post(`/v1/orders/${paid.id}/refunds`, { amount_cents: 400 }, idempotent())
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(res.json().destination_address, payer, 'the payer, from the watcher’s record')
      await waitForChainRow(res.json().id)
      await r.chain.mine(1)
      assert.equal((await settledRefund(live, paid.id, res.json().id)).status, 'succeeded')
      assert.equal((await r.chain.tokenBalance(r.usdt, payer)) - before, 4_000_000n)

      // Paid through the test double: no payment seen on chain, so no payer to send back to.
      const { live: other, order: unseen } = await paidLiveOrder(env, shop.keys.live, 1000)
      const refused = problem(
        await other.post(`/v1/orders/${unseen.id}/refunds`, {}, idempotent()),
        422,
        'unprocessable',
      )
      assert.match(JSON.stringify(refused), /no payment of this order was seen on chain/)
    })

    it('a payout not mined in time is replaced at the same nonce and a higher fee; the attempt mined confirms it once', async () => {
      const shop = await env.newShop()
      const { live } = await paidLiveOrder(env, shop.keys.live, 3000)
      const to = freshAddress()
      await r.chain.test.setAutomine(false)
      let first: Awaited<ReturnType<typeof chainRow>>
      let second: Awaited<ReturnType<typeof chainRow>>
      const created = await payoutTo(live, to, 1500)
      assert.equal(created.statusCode, 201, created.body)
      const id = created.json().id
      try {
        await waitForChainRow(id)
        first = (await chainRow(id))!
        // SX_FEE_BUMP_AFTER_SECONDS=1 and nothing is mined: the worker signs a replacement.
        await waitFor(async () => {
          second = await chainRow(id)
          return second!.tx_hash !== first!.tx_hash && second!.status === 'broadcast'
        }, 'the replacement to be broadcast')
        // The node loses the replacement and mines the first bytes after all.
        await r.chain.test.dropTransaction({ hash: second!.tx_hash as Hex })
        await r.chain.pub.sendRawTransaction({ serializedTransaction: first!.raw_tx as Hex })
        await r.chain.mine(2)
      } finally {
        await r.chain.test.setAutomine(true)
      }
      const [a, b] = [parseTransaction(first!.raw_tx as Hex), parseTransaction(second!.raw_tx as Hex)]
      assert.equal(b.nonce, a.nonce, 'the same nonce')
      assert.equal(Number(second!.nonce), Number(first!.nonce))
      assert.ok(b.maxFeePerGas! * 8n >= a.maxFeePerGas! * 9n, `maxFeePerGas ${a.maxFeePerGas} → ${b.maxFeePerGas}`)
      assert.ok(b.maxPriorityFeePerGas! * 8n >= a.maxPriorityFeePerGas! * 9n, 'the tip too')
      assert.deepEqual(JSON.parse(second!.replaced), [first!.tx_hash], 'recorded before its broadcast')
      const done = await settledPayout(live, id)
      assert.deepEqual([done.status, done.tx_hash], ['confirmed', first!.tx_hash], 'the attempt that was mined')
      assert.equal(await r.chain.tokenBalance(r.usdt, to), 15_000_000n, 'paid once')
      const rows = await env.services.db
        .selectFrom('chain_transactions')
        .select('id')
        .where('reference', '=', id)
        .execute()
      assert.equal(rows.length, 1, 'one transaction, never a new nonce')
      assert.deepEqual(amounts(await balanceOf(live)), [1500, 0])
    })

    it('without a wallet a live payout or refund is a 409 naming SX_WALLET_MNEMONIC, nothing held', async () => {
      const shop = await env.newShop()
      const { order: paid } = await paidLiveOrder(env, shop.keys.live, 1000)
      // Another instance on the same database with the chains configured but no phrase.
      const bare = client((await env.spawnApp({ SX_WALLET_MNEMONIC: '', SX_WORKER: 'off' })).app, shop.keys.live)
      const payout = problem(await payoutTo(bare, freshAddress(), 100), 409, 'conflict')
      assert.match(payout.detail, /SX_WALLET_MNEMONIC.*sx wallet init/)
      const refund = problem(
        await bare.post(`/v1/orders/${paid.id}/refunds`, { destination_address: freshAddress() }, idempotent()),
        409,
        'conflict',
      )
      assert.match(refund.detail, /SX_WALLET_MNEMONIC/)
      assert.deepEqual(amounts(await balanceOf(bare)), [1000, 0])
    })

    it('a payout whose transfer reverts on chain is failed and credited back', async () => {
      const shop = await env.newShop()
      const { live } = await paidLiveOrder(env, shop.keys.live, 3000)
      const to = freshAddress()
      await setBlocked(r, to, true)
      const created = await payoutTo(live, to, 1000)
      assert.equal(created.statusCode, 201, created.body)
      const failed = await settledPayout(live, created.json().id)
      assert.equal(failed.status, 'failed')
      assert.match(failed.failure_reason ?? '', /reverted on ethereum in block \d+/)
      const receipt = await r.chain.pub.getTransactionReceipt({ hash: failed.tx_hash as `0x${string}` })
      assert.equal(receipt.status, 'reverted', 'the transaction was mined, and reverted')
      assert.equal(await r.chain.tokenBalance(r.usdt, to), 0n)
      assert.deepEqual(amounts(await balanceOf(live)), [3000, 0])
    })

    it('a treasury without enough tokens is a clear failure, nothing signed, the money back', async () => {
      const shop = await env.newShop()
      const { live } = await paidLiveOrder(env, shop.keys.live, 50000)
      const created = await payoutTo(live, freshAddress(), 40000)
      const failed = await settledPayout(live, created.json().id)
      assert.equal(failed.status, 'failed')
      assert.match(
        failed.failure_reason ?? '',
        new RegExp(`the treasury ${treasury} on ethereum holds [\\d.]+ USDT, but this payout needs 400\\.000000`),
      )
      assert.equal(failed.tx_hash, null)
      assert.equal(await chainRow(created.json().id), undefined, 'nothing signed')
      assert.deepEqual(amounts(await balanceOf(live)), [50000, 0])
    })

    it('a live payout on a chain that is not configured is a 409 naming the setting', async () => {
      const shop = await env.newShop()
      const { live } = await paidLiveOrder(env, shop.keys.live, 1000)
      const polygon = problem(await payoutTo(live, freshAddress(), 100, 'polygon'), 409, 'conflict')
      assert.match(polygon.detail, /SX_RPC_POLYGON/)
      problem(await payoutTo(live, 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7', 100, 'tron'), 409, 'conflict')
      assert.deepEqual(amounts(await balanceOf(live)), [1000, 0])
    })

    it('the sweep moves funded deposits into the treasury: tokens after a gas top-up, the native coin minus gas', async () => {
      const live = client(env.app, (await env.newShop()).keys.live)
      const inUsdt = await paidOnChain(live, 2500, 'USDT', (to, amount) =>
        r.chain.transferToken(r.usdt, to, parseUnits(amount, 6)),
      )
      const inEth = await paidOnChain(live, 2500, 'ETH', (to, amount) => r.chain.sendNative(to, parseEther(amount)))
      const usdtDeposit = getAddress(inUsdt.payment.address!)
      const ethDeposit = getAddress(inEth.payment.address!)
      const paidEth = parseEther(inEth.payment.amount!) // 25 USD at 0.0004 ETH/USD
      const before = await r.chain.tokenBalance(r.usdt, treasury)
      const steps: string[] = []
      for (let round = 0; round < 6; round++) {
        const outcome = await runSweep(env.services, 'ethereum')
        steps.push(String((outcome as { retryAt: number }).retryAt - Date.now() > 60_000 ? 'idle' : 'busy'))
        if (steps.at(-1) === 'idle') break
        await r.chain.mine(1)
      }
      assert.equal(await r.chain.tokenBalance(r.usdt, usdtDeposit), 0n)
      assert.ok((await r.chain.tokenBalance(r.usdt, treasury)) - before >= 25_000_000n, 'all 25 USDT swept')
      const rows = await env.services.db
        .selectFrom('chain_transactions')
        .select(['purpose', 'status', 'from_address', 'to_address', 'asset', 'amount'])
        .where('purpose', 'in', ['gas', 'sweep'])
        .where((eb) =>
          eb.or([
            eb('from_address', 'in', [usdtDeposit, ethDeposit]),
            eb('to_address', 'in', [usdtDeposit, ethDeposit]),
          ]),
        )
        .orderBy('id')
        .execute()
      assert.deepEqual(
        rows.map((row) => [
          row.purpose,
          row.status,
          row.from_address === treasury ? 'treasury' : row.from_address,
          row.asset,
        ]),
        [
          ['gas', 'confirmed', 'treasury', 'ETH'],
          ['sweep', 'confirmed', ethDeposit, 'ETH'],
          ['sweep', 'confirmed', usdtDeposit, 'USDT'],
        ],
      )
      assert.equal(rows[2]!.amount, '25000000')
      // The coin goes, less what its transfer costs: a little is left for gas, nothing more.
      const sweptEth = BigInt(rows[1]!.amount)
      const left = await r.chain.pub.getBalance({ address: ethDeposit })
      assert.ok(sweptEth < paidEth && sweptEth > paidEth - parseEther('0.001'), `${sweptEth} of ${paidEth}`)
      assert.ok(left > 0n && left < parseEther('0.001'), `${left} left`)
      assert.equal(steps.at(-1), 'idle', 'once nothing is left it waits SX_SWEEP_INTERVAL_SECONDS')
      const job = await env.services.db.selectFrom('jobs').select('ref').where('kind', '=', SWEEP_JOB).execute()
      assert.deepEqual(
        job.map((j) => j.ref),
        ['ethereum'],
        'the worker keeps one sweep job per chain',
      )
    })

    it('the doctor compares the ledger with the chain and reports a shortfall (sx doctor exits 1)', async () => {
      // The live balances of this file's shops were paid through the test double, not on chain: cover them first.
      const first = await checkChain(env.services.db, env.services.treasury!)
      await fund(r, treasury, { usdt: BigInt(Math.ceil(first.shortfallCents / 100)) })
      const ok = await checkChain(env.services.db, env.services.treasury!)
      assert.equal(
        ok.shortfallCents,
        0,
        JSON.stringify(ok, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
      )
      assert.ok(ok.owedCents > 0)
      // Money leaves the treasury behind sx's back: the ledger still owes it.
      const chain = defineChain({
        id: LOCAL_CHAIN_ID,
        name: 'local',
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [r.chain.url] } },
      })
      const thief = createWalletClient({
        account: mnemonicToAccount(phrase, { addressIndex: 0 }),
        chain,
        transport: http(r.chain.url),
      })
      const held = await r.chain.tokenBalance(r.usdt, treasury)
      const { TOKEN_ABI } = await import('./chain/local-chain.ts')
      const hash = await thief.writeContract({
        address: r.usdt,
        abi: TOKEN_ABI,
        functionName: 'transfer',
        args: [freshAddress(), held],
      })
      await r.chain.pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })
      const short = await checkChain(env.services.db, env.services.treasury!)
      assert.equal(short.heldCents, ok.heldCents - Number(held / 10_000n))
      assert.equal(short.owedCents, ok.owedCents)
      assert.equal(short.shortfallCents, short.owedCents - short.heldCents)
      assert.ok(short.shortfallCents > 0)
      const run = runSx(['doctor'], {
        ...settings,
        DATABASE_URL: env.dbUrl,
        SX_DATA_DIR: env.dataDir,
        LOG_LEVEL: 'warn',
      })
      assert.equal(await run.exited, 1, run.output().stderr)
      assert.match(run.output().stdout, /chain shortfall: .* missing/)
      // Put it back, so the environment's teardown (the ledger checks) ends on a healthy treasury.
      await fund(r, treasury, { usdt: held / 1_000_000n + 1n })
    })

    /** Until the transaction is on the node (broadcast): a block mined before that would not confirm it. */
    async function waitForChainRow(reference: string) {
      await waitFor(async () => {
        const row = await chainRow(reference)
        return row !== undefined && row.status !== 'signed'
      }, `the transaction for ${reference} to be broadcast`)
    }
  })
}
