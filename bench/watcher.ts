// `watcher_scan` (issue 13): the chain watcher's cost as open invoices grow, against a local EVM node
// (hardhat 2 in this process, served over loopback HTTP like any node; test/chain/local-chain.ts).
// With 1,000 and then 10,000 open invoices on ethereum, each step scans blocks full of unrelated token
// transfers: wall time per new block and RPC calls per block, by method (the goal: one eth_getLogs per
// range whatever the number of invoices). Then, with the worker's chain.watch job running every
// SX_WATCH_INTERVAL_MS=100, the time from the block that confirms a payment to its `order.paid` event.
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { generateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { getAddress, parseEther, type Address } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import type { Db } from '../packages/server/src/db/database.ts'
import { watchStep } from '../packages/server/src/modules/watcher/index.ts'
import { startWorker } from '../packages/server/src/worker.ts'
import { localChain, type LocalChain } from '../packages/server/test/chain/local-chain.ts'
import { startSx, workerErrors, type Figures, type Run, type Sx } from './lib/boot.ts'
import { postJson, round } from './lib/drive.ts'

const INVOICES = [1_000, 10_000]
const STEPS = 5
const BLOCKS_PER_STEP = 20
const TRANSFERS_PER_BLOCK = 100
const CONFIRMATIONS = 3
const PAID_SAMPLES = 5
const WATCH_INTERVAL_MS = 100

type Node = { chain: LocalChain; usdt: Address; usdc: Address }
let node: Promise<Node> | null = null
/** One node for the bench process, its two tokens deployed once (each dialect has its own phrase, so its own addresses). */
const benchNode = () =>
  (node ??= (async () => {
    const chain = await localChain()
    return { chain, usdt: await chain.deployToken('USDT', 6), usdc: await chain.deployToken('USDC', 6) }
  })())

export const WATCHER_SCAN: Run = {
  name: 'watcher_scan',
  what:
    `the chain watcher on a local node: steps over ${BLOCKS_PER_STEP} new blocks of ${TRANSFERS_PER_BLOCK} unrelated ` +
    `token transfers each, with ${INVOICES.map((n) => n.toLocaleString('en')).join(' then ')} open invoices; ` +
    `then confirming block → order.paid at SX_WATCH_INTERVAL_MS=${WATCH_INTERVAL_MS}`,
  run: async ({ dialect }) => {
    const n = await benchNode()
    const phrase = generateMnemonic(wordlist, 128)
    const sx = await startSx(dialect, {
      env: {
        SX_WALLET_MNEMONIC: phrase,
        SX_RPC_ETHEREUM: n.chain.url,
        SX_CHAIN_ID_ETHEREUM: String(n.chain.chainId),
        SX_CONFIRMATIONS_ETHEREUM: String(CONFIRMATIONS),
        SX_TOKEN_ETHEREUM_USDT: n.usdt,
        SX_TOKEN_ETHEREUM_USDC: n.usdc,
        SX_WATCH_INTERVAL_MS: String(WATCH_INTERVAL_MS),
        RATES_URL: 'http://127.0.0.1:9/unused',
      },
    })
    try {
      const adapter = sx.services.chains[0]!
      const step = () => watchStep(sx.services, adapter)
      await step() // the cursor to the head: every measured step reads only its new blocks and the re-scan window
      const figures: Figures = {}
      let planted = 0
      for (const invoices of INVOICES) {
        await plantInvoices(sx.services.db, invoices - planted, planted, n.usdt)
        planted = invoices
        for (const [key, value] of Object.entries(await measureSteps(n, step))) figures[`${key}_${invoices}`] = value
      }
      const [few, many] = INVOICES
      const ratio = (key: string) => round(Number(figures[`${key}_${many}`]) / Number(figures[`${key}_${few}`]))
      figures.ms_per_block_ratio = ratio('ms_per_block')
      figures.one_block_ratio = ratio('one_block_step_ms')
      Object.assign(figures, await confirmToPaid(sx, n, phrase))
      return figures
    } finally {
      await sx.close()
    }
  },
}

/**
 * Open invoices as `createInvoice` leaves them for the watcher: one watched deposit address per order
 * (its own, random here; the watcher reads nothing else of an open invoice while scanning).
 */
async function plantInvoices(db: Db, count: number, offset: number, token: Address): Promise<void> {
  const now = Date.now()
  const rows = Array.from({ length: count }, (_, i) => ({
    chain: 'ethereum',
    address: `0x${randomBytes(20).toString('hex')}`,
    order_id: `ord_bench_watch_${offset + i}`,
    asset: 'USDT',
    token: token.toLowerCase(),
    address_index: 1_000_000 + offset + i,
    amount_due: '25000000',
    quote: null,
    created_at: now,
  }))
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('watch_addresses')
      .values(rows.slice(i, i + 500))
      .execute()
}

/** Blocks of unrelated transfers (one `transferMany` each, both tokens in turn), to addresses no invoice has. */
async function unrelatedBlocks(n: Node, blocks: number): Promise<void> {
  for (let b = 0; b < blocks; b++) {
    const transfers = Array.from({ length: TRANSFERS_PER_BLOCK }, () => ({
      to: getAddress(`0x${randomBytes(20).toString('hex')}`),
      amount: 1_000_000n,
    }))
    await n.chain.transferTokenMany(b % 2 ? n.usdc : n.usdt, transfers)
  }
}

/**
 * STEPS rounds of two steps, medians of each kind: one over BLOCKS_PER_STEP new blocks (catching up), and
 * one over a single new block (the usual case: at the default SX_WATCH_INTERVAL_MS most steps find zero
 * or one), which re-reads the window a reorg may still replace (confirmations + 12 blocks) as well.
 */
async function measureSteps(n: Node, step: () => ReturnType<typeof watchStep>): Promise<Figures> {
  const catchUp: Measured[] = []
  const steady: Measured[] = []
  for (let i = 0; i < STEPS; i++) {
    await unrelatedBlocks(n, BLOCKS_PER_STEP)
    catchUp.push(await measured(n, step))
    await unrelatedBlocks(n, 1)
    steady.push(await measured(n, step))
  }
  const mid = (list: Measured[], key: keyof Measured) => median(list.map((m) => m[key]))
  return {
    step_ms: round(mid(catchUp, 'ms')),
    ms_per_block: round(mid(catchUp, 'ms') / BLOCKS_PER_STEP),
    blocks_read_per_step: mid(catchUp, 'blocks'),
    rpc_calls_per_step: mid(catchUp, 'calls'),
    rpc_calls_per_block: round(mid(catchUp, 'calls') / BLOCKS_PER_STEP, 3),
    get_logs_per_step: mid(catchUp, 'logs'),
    one_block_step_ms: round(mid(steady, 'ms')),
    one_block_blocks_read: mid(steady, 'blocks'),
    one_block_rpc_calls: mid(steady, 'calls'),
  }
}

type Measured = { ms: number; calls: number; logs: number; blocks: number }

/** One step: its wall time, the RPC calls the node answered (all, and eth_getLogs), the blocks it read. */
async function measured(n: Node, step: () => ReturnType<typeof watchStep>): Promise<Measured> {
  const before = new Map(n.chain.calls)
  const started = performance.now()
  const report = await step()
  const ms = performance.now() - started
  if (report.seen !== 0) throw new Error(`watcher_scan: ${report.seen} unrelated transfers were taken for payments`)
  const delta = (method?: string) =>
    [...n.chain.calls].reduce((sum, [m, c]) => sum + (method && m !== method ? 0 : c - (before.get(m) ?? 0)), 0)
  return { ms, calls: delta(), logs: delta('eth_getLogs'), blocks: report.head - report.from + 1 }
}

/**
 * The worker's chain.watch job running: an order paid exactly, then the confirming block (itself full of
 * unrelated transfers) is mined; how long until `order.paid` is recorded (its event's created_at).
 */
async function confirmToPaid(sx: Sx, n: Node, phrase: string): Promise<Figures> {
  // Sweeping the paid deposits needs gas from the treasury.
  await n.chain.sendNative(mnemonicToAccount(phrase, { addressIndex: 0 }).address, parseEther('1'))
  const product = (await postJson(`${sx.url}/v1/products`, sx.liveKey, {
    name: 'Bench Live Key',
    type: 'license_key',
    price_cents: 2500,
    currency: 'USD',
  })) as { id: string }
  await postJson(`${sx.url}/v1/products/${product.id}/stock`, sx.liveKey, {
    items: Array.from({ length: PAID_SAMPLES }, (_, i) => `BENCH-LIVE-${i}-${randomBytes(4).toString('hex')}`),
  })
  const errors = workerErrors('watcher_scan')
  const worker = startWorker(sx.services, errors.onError)
  const samples: number[] = []
  try {
    for (let i = 0; i < PAID_SAMPLES; i++) {
      const order = (await postJson(`${sx.url}/v1/orders`, sx.liveKey, {
        customer_email: `buyer-${i}@example.com`,
        items: [{ product_id: product.id, qty: 1 }],
        chain: 'ethereum',
        asset: 'USDT',
      })) as { payment: { address: string } }
      const paidBefore = await paidEvents(sx.services.db)
      await n.chain.transferToken(n.usdt, getAddress(order.payment.address), 25_000_000n)
      await n.chain.mine(CONFIRMATIONS - 2)
      const confirmedAt = Date.now()
      await unrelatedBlocks(n, 1)
      const deadline = Date.now() + 60_000
      while ((await paidEvents(sx.services.db)).count === paidBefore.count) {
        if (Date.now() > deadline) throw new Error('watcher_scan: no order.paid within 60 s of the confirming block')
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      samples.push((await paidEvents(sx.services.db)).last - confirmedAt)
    }
    errors.check()
  } finally {
    await worker.stop()
  }
  return {
    confirm_to_paid_ms_p50: median(samples),
    confirm_to_paid_ms_max: Math.max(...samples),
  }
}

async function paidEvents(db: Db): Promise<{ count: number; last: number }> {
  const row = await db
    .selectFrom('events')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('created_at').as('last')])
    .where('type', '=', 'order.paid')
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), last: Number(row.last) }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
