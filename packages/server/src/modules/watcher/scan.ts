// One watcher step for one EVM chain (research/crypto.md §3): read the head, scan the blocks from a
// window behind the persisted cursor up to the head (token Transfer logs: one eth_getLogs per range
// for all of the chain's tokens and all recipients; native coin: the blocks' transactions, only while
// some invoice is paid in it), record each transfer to a watched address once per (chain, tx, log
// index), then settle what was seen: a payment whose block is no longer canonical is dropped; one
// with SX_CONFIRMATIONS_<CHAIN> blocks (its own included) is counted through the orders' invoice
// state machine; the rest wait, the order showing `processing` meanwhile.
// Crash safety: each range's payments and the cursor past it commit in one transaction, and a
// payment is counted by a conditional UPDATE (seen → counted) in the transaction that credits it, so
// kill -9 anywhere resumes from the cursor and nothing is counted twice.
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import type { EvmAdapter, TokenTransfer } from '../chains/index.ts'
import { applyChainPayment, noteUnconfirmed } from '../orders/index.ts'
import * as repo from './watcher.repository.ts'

type Deps = Pick<Services, 'db' | 'clock' | 'config' | 'secretBox'>

export type ScanTuning = Readonly<{
  /** Blocks re-read behind the cursor each step, beyond the confirmations (a reorg shallower than this is seen). */
  reorgMargin: number
  /** Blocks per committed range: the cursor moves (and a kill -9 resumes) range by range. */
  rangeBlocks: number
  /**
   * A step far behind (a new chain, a long outage) stops scanning after this long and the job runs again
   * at once: one step stays well within the job's lease (60 s), so no second worker takes it over meanwhile.
   */
  maxScanMs?: number
  /** Called after each range commits (tests stop a step there). */
  afterRange?: (range: { from: number; to: number }) => void | Promise<void>
}>

export const DEFAULT_TUNING: ScanTuning = { reorgMargin: 12, rangeBlocks: 2_000, maxScanMs: 20_000 }

export type StepReport = {
  head: number
  from: number
  seen: number
  counted: number
  dropped: number
  /** The step stopped before the head (maxScanMs): run the next one at once. */
  behind: boolean
}

type Seen = Omit<TokenTransfer, 'token'> & { token: string | null }

export async function watchStep(
  deps: Deps,
  adapter: EvmAdapter,
  tuning: ScanTuning = DEFAULT_TUNING,
): Promise<StepReport> {
  const { db, clock } = deps
  const chain = adapter.chain
  const head = Number(await adapter.head())
  const window = adapter.confirmations + tuning.reorgMargin
  const cursor = await repo.findCursor(db, chain)
  // First run: a window behind the head. After a reorg to a shorter chain the cursor comes back to the head.
  let next = cursor ? Math.min(cursor.next, head + 1) : Math.max(0, head + 1 - window)
  // Re-read the blocks a reorg may still replace (the window below the head), or from the cursor when it
  // is further behind than that (the blocks below it are final).
  const from = Math.max(0, Math.min(next, head + 1 - window))
  const resumeAt = next
  const report: StepReport = { head, from, seen: 0, counted: 0, dropped: 0, behind: false }
  const startedAt = performance.now()
  const native = await repo.hasNativeWatches(db, chain)
  for (let start = from; start <= head;) {
    const end = Math.min(head, start + tuning.rangeBlocks - 1)
    const transfers: Seen[] = await adapter.transfers({ fromBlock: BigInt(start), toBlock: BigInt(end) })
    if (native) transfers.push(...(await nativeTransfers(adapter, start, end)))
    const watched = new Map(
      (await repo.findWatched(db, chain, [...new Set(transfers.map((t) => t.to.toLowerCase()))])).map((w) => [
        w.address,
        w,
      ]),
    )
    const now = clock.now()
    next = Math.max(next, end + 1)
    await db.transaction().execute(async (trx) => {
      for (const transfer of transfers) {
        const watch = watched.get(transfer.to.toLowerCase())
        // Another token (or the coin) sent to a token invoice's address is not this invoice's money.
        if (!watch || watch.token !== (transfer.token?.toLowerCase() ?? null)) continue
        report.seen++
        await repo.upsertSeen(trx, {
          chain,
          tx_hash: transfer.txHash.toLowerCase(),
          log_index: transfer.logIndex,
          order_id: watch.order_id,
          address: watch.address,
          from_address: transfer.from.toLowerCase(),
          amount: transfer.value.toString(),
          block_number: Number(transfer.blockNumber),
          block_hash: transfer.blockHash.toLowerCase(),
          state: 'seen',
          confirmations: head - Number(transfer.blockNumber) + 1,
          seen_at: now,
          counted_at: null,
        })
      }
      await repo.saveCursor(trx, chain, next, head, now)
    })
    await tuning.afterRange?.({ from: start, to: end })
    start = end + 1
    // Out of time (and past where it resumed, so each step makes progress): the job runs again at once.
    const late = tuning.maxScanMs !== undefined && performance.now() - startedAt > tuning.maxScanMs
    if (late && start <= head && start > resumeAt) {
      report.behind = true
      break
    }
  }
  await settle(deps, adapter, head, report)
  return report
}

/** Native-coin payments: each block's transactions to a watched address (log index -1: one per transaction). */
async function nativeTransfers(adapter: EvmAdapter, from: number, to: number): Promise<Seen[]> {
  const found: Seen[] = []
  for (let n = from; n <= to; n++) {
    const block = await adapter.rpc.call(`eth_getBlockByNumber ${n}`, (client) =>
      client.getBlock({ blockNumber: BigInt(n), includeTransactions: true }),
    )
    for (const tx of block.transactions) {
      if (!tx.to || tx.value === 0n) continue
      found.push({
        token: null,
        from: tx.from,
        to: tx.to,
        value: tx.value,
        blockNumber: block.number,
        blockHash: block.hash,
        txHash: tx.hash,
        logIndex: -1,
      })
    }
  }
  return found
}

/** Drops what a reorg took away, counts what is deep enough, and shows the rest as confirming. */
async function settle(deps: Deps, adapter: EvmAdapter, head: number, report: StepReport): Promise<void> {
  const seen = await repo.listSeen(deps.db, adapter.chain)
  if (seen.length === 0) return
  // The canonical hash at each height, asked once per height per step.
  const canonical = new Map<number, string | null>()
  for (const height of new Set(seen.map((p) => Number(p.block_number)))) {
    if (height > head) {
      canonical.set(height, null)
      continue
    }
    const block = await adapter.rpc.call(`eth_getBlockByNumber ${height}`, (client) =>
      client.getBlock({ blockNumber: BigInt(height) }),
    )
    canonical.set(height, block.hash.toLowerCase())
  }
  const byOrder = new Map<string, repo.ChainPayment[]>()
  for (const payment of seen) byOrder.set(payment.order_id, [...(byOrder.get(payment.order_id) ?? []), payment])
  for (const [orderId, payments] of byOrder) {
    await deps.db.transaction().execute(async (trx) => {
      let progressed = false
      for (const payment of payments) {
        const key = { chain: payment.chain, tx_hash: payment.tx_hash, log_index: payment.log_index }
        const height = Number(payment.block_number)
        const confirmations = Math.max(0, head - height + 1)
        if (canonical.get(height) !== payment.block_hash) {
          if (await repo.moveSeen(trx, key, { state: 'dropped', confirmations: 0 })) report.dropped++
        } else if (confirmations >= adapter.confirmations) {
          if (await repo.moveSeen(trx, key, { state: 'counted', confirmations, counted_at: deps.clock.now() })) {
            report.counted++
            await applyChainPayment(deps, trx, orderId, {
              key: `${payment.tx_hash}:${payment.log_index}`,
              txHash: payment.tx_hash,
              amount: BigInt(payment.amount),
              address: payment.address,
            })
          }
        } else if (confirmations !== payment.confirmations) {
          progressed = true
          await repo.moveSeen(trx, key, { state: 'seen', confirmations })
        }
      }
      await noteUnconfirmed(deps, trx, orderId, await pendingOf(trx, orderId), progressed)
    })
  }
}

/** The order's payments still confirming, with the address each was sent to (orders sums those to its current one). */
async function pendingOf(trx: DbOrTrx, orderId: string): Promise<{ address: string; amount: bigint }[]> {
  return (await repo.paymentsOfOrder(trx, orderId))
    .filter((p) => p.state === 'seen')
    .map((p) => ({ address: p.address, amount: BigInt(p.amount) }))
}
