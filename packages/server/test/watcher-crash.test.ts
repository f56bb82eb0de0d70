// kill -9 of a real `sx worker` while its chain watcher is mid-scan (issue 13): the payments and the
// cursor commit range by range, so a second `sx worker` resumes from the cursor, re-reads a window
// behind it, and counts every transfer exactly once: each order is paid once, credited once
// (the ledger agrees with the orders when the environment closes) and delivered.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { generateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { getAddress, type Address } from 'viem'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, client, json, startTestEnv, type Client, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct } from './orders-helpers.ts'
import { LISTENING, exitWithin, runSx, waitFor } from './processes.ts'
import { localChain, type LocalChain } from './chain/local-chain.ts'

let chain: LocalChain
let usdt: Address
before(async () => {
  chain = await localChain()
  usdt = await chain.deployToken('USDT', 6)
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: kill -9 of sx worker mid-scan`, () => {
    let env: TestEnv
    let live: Client
    let liveKey: string
    let chainEnv: Record<string, string>
    before(async () => {
      chainEnv = {
        SX_WALLET_MNEMONIC: generateMnemonic(wordlist, 128),
        SX_RPC_ETHEREUM: chain.url,
        SX_CHAIN_ID_ETHEREUM: String(chain.chainId),
        SX_CONFIRMATIONS_ETHEREUM: '3',
        SX_TOKEN_ETHEREUM_USDT: usdt,
        // USDC: any contract with 6 decimals passes the start check; this one is never paid in.
        SX_TOKEN_ETHEREUM_USDC: usdt,
        RATES_URL: 'http://127.0.0.1:9/unused',
      }
      env = await startTestEnv(dialect, { ...NO_LIMITS, SX_WORKER: 'off', ...chainEnv })
      liveKey = (await env.newShop()).keys.live
      live = client(env.app, liveKey)
    })
    after(() => env.close())

    it('end to end through sx serve with a live key: order, pay on chain, confirmations, key delivered', async () => {
      const serve = runSx(['serve'], {
        DATABASE_URL: env.dbUrl,
        SX_DATA_DIR: env.dataDir,
        SX_DEMO_SEED: 'false',
        PORT: '0',
        JOB_POLL_MS: '50',
        SX_WATCH_INTERVAL_MS: '100',
        ...chainEnv,
      })
      await waitFor(() => LISTENING.test(serve.output().stdout), 'sx serve to listen')
      const baseUrl = serve.output().stdout.match(LISTENING)![1]!
      const productId = await newProduct(live, { price_cents: 2500, currency: 'USD' }, ['LICENSE-E2E-1'])
      const http = (path: string, body?: unknown) =>
        fetch(`${baseUrl}${path}`, {
          method: body ? 'POST' : 'GET',
          headers: { authorization: `Bearer ${liveKey}`, 'content-type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        })
      const placed = await http('/v1/orders', {
        customer_email: 'buyer@example.com',
        items: [{ product_id: productId, qty: 1 }],
        chain: 'ethereum',
        asset: 'USDT',
      })
      assert.equal(placed.status, 201)
      const order = (await placed.json()) as Order
      assert.equal(order.payment.amount, '25.000000')
      const read = async () => (await (await http(`/v1/orders/${order.id}`)).json()) as Order
      await chain.transferToken(usdt, getAddress(order.payment.address!), 25_000_000n)
      await waitFor(async () => (await read()).payment.status === 'processing', 'the payment to be seen')
      assert.equal((await read()).status, 'awaiting_payment')
      await chain.mine(1)
      // The confirming block (the 3rd): from it to the order paid, measured.
      const confirmedAt = Date.now()
      await chain.mine(1)
      await waitFor(async () => (await read()).status !== 'awaiting_payment', 'the order to be paid')
      const paidAfterMs = Date.now() - confirmedAt
      await waitFor(async () => (await read()).status === 'completed', 'the key to be delivered')
      const done = await read()
      assert.match(JSON.stringify(done.delivery), /LICENSE-E2E-1/)
      assert.equal(done.payment.amount_paid, '25.000000')
      console.log(`# confirming block → order paid: ${paidAfterMs} ms (SX_WATCH_INTERVAL_MS=100)`)
      serve.child.kill('SIGTERM')
      await exitWithin(serve, 30_000)
    })

    it('resumes from the cursor and credits nothing twice', async () => {
      const productId = await newProduct(live, { price_cents: 1000, currency: 'USD' }, ['K1', 'K2', 'K3', 'K4'])
      const orders: Order[] = []
      for (let i = 0; i < 4; i++) {
        const res = await live.post('/v1/orders', {
          customer_email: 'buyer@example.com',
          items: [{ product_id: productId, qty: 1 }],
          chain: 'ethereum',
          asset: 'USDT',
        })
        assert.equal(res.statusCode, 201, res.body)
        orders.push(json<Order>(res))
      }
      const [exact, twoInOne, partial, over] = orders.map((o) => getAddress(o.payment.address!)) as Address[]
      const firstBlock = Number(await chain.pub.getBlockNumber()) + 1
      await chain.transferToken(usdt, exact!, 10_000_000n)
      await chain.transferTokenMany(usdt, [
        { to: twoInOne!, amount: 4_000_000n },
        { to: twoInOne!, amount: 6_000_000n },
      ])
      await chain.transferToken(usdt, partial!, 3_000_000n)
      await chain.mine(100)
      await chain.transferToken(usdt, partial!, 7_000_000n)
      await chain.transferToken(usdt, over!, 15_000_000n)
      await chain.mine(400)
      const head = Number(await chain.pub.getBlockNumber())
      // The watcher last stopped just before the payments: it has ~520 blocks to read, one per range.
      await env.services.db
        .insertInto('watch_cursors')
        .values({ chain: 'ethereum', next_block: firstBlock, head: firstBlock, updated_at: 0 })
        .onConflict((oc) => oc.column('chain').doUpdateSet({ next_block: firstBlock, head: firstBlock }))
        .execute()
      const cursor = async () =>
        Number(
          (await env.services.db.selectFrom('watch_cursors').select('next_block').executeTakeFirstOrThrow()).next_block,
        )

      const workerEnv = {
        DATABASE_URL: env.dbUrl,
        SX_DATA_DIR: env.dataDir,
        SX_DEMO_SEED: 'false',
        JOB_POLL_MS: '50',
        SX_WATCH_INTERVAL_MS: '100',
        SX_WATCH_RANGE_BLOCKS: '1',
        // The killed worker's hold on its chain.watch job lapses after this (60 s by default).
        JOB_LEASE_MS: '2000',
        ...chainEnv,
      }
      const first = runSx(['worker'], workerEnv)
      await waitFor(async () => (await cursor()) > firstBlock + 150, 'the first worker to be mid-scan')
      first.child.kill('SIGKILL')
      assert.equal(await exitWithin(first, 10_000), null, 'killed by the signal')
      const stoppedAt = await cursor()
      assert.ok(stoppedAt < head, `killed mid-scan (cursor ${stoppedAt}, head ${head})`)
      const countedBefore = await env.services.db
        .selectFrom('chain_payments')
        .select('state')
        .where('state', '=', 'counted')
        .where(
          'order_id',
          'in',
          orders.map((o) => o.id),
        )
        .execute()
      assert.equal(countedBefore.length, 0, 'nothing counted before the scan reached the head')

      const second = runSx(['worker'], workerEnv)
      const byId = async (id: string) => json<Order>(await live.get(`/v1/orders/${id}`))
      await waitFor(
        async () => (await Promise.all(orders.map((o) => byId(o.id)))).every((o) => o.status === 'completed'),
        'every order to be completed by the second worker',
      )
      // A few more steps over the same window change nothing.
      const settledCursor = await cursor()
      await waitFor(async () => (await cursor()) > settledCursor || (await cursor()) >= head + 1, 'another step')
      second.child.kill('SIGKILL')
      await exitWithin(second, 10_000)

      const paid = await Promise.all(orders.map((o) => byId(o.id)))
      assert.deepEqual(
        paid.map((o) => o.payment.amount_paid),
        ['10.000000', '10.000000', '10.000000', '15.000000'],
      )
      const ids = orders.map((o) => o.id)
      const payments = await env.services.db
        .selectFrom('order_payments')
        .select(['order_id', 'tx_hash'])
        .where('order_id', 'in', ids)
        .execute()
      assert.equal(payments.length, 6, 'one order payment per transfer')
      const counted = await env.services.db
        .selectFrom('chain_payments')
        .select(['state'])
        .where('state', '=', 'counted')
        .where('order_id', 'in', ids)
        .execute()
      assert.equal(counted.length, 6)
      // Each order credited once, its price (an over-payment is not the shop's extra revenue).
      const credits = await env.services.db
        .selectFrom('ledger_entries')
        .select(['source_id', 'amount_cents'])
        .where('kind', '=', 'payment')
        .where('source_id', 'in', ids)
        .execute()
      assert.deepEqual(
        credits.map((c) => Number(c.amount_cents)),
        [1000, 1000, 1000, 1000],
      )
    })
  })
}
