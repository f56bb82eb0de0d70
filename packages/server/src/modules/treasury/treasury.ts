// The live treasury: one sender per configured EVM chain (sender.ts), seen by payouts and refunds as
// the live payout provider, plus the sweep (sweep.ts) and what the chain holds (holdings.ts).
// Transfers leave from the treasury, wallet index 0 (m/44'/60'/0'/0/0 on EVM chains).
import { isAddress } from 'viem'
import { EVM_CHAINS } from '../../config-live.ts'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../platform/clock.ts'
import type { EvmAdapter } from '../chains/index.ts'
import type { Chain, PayoutProvider, TransferRequest, TransferState } from '../payments/index.ts'
import type { Wallet } from '../wallet/index.ts'
import { createEvmSender, type EvmSender } from './sender.ts'
import * as repo from './transactions.repository.ts'

export type TreasuryDeps = Readonly<{
  db: Db
  clock: Clock
  wallet: Wallet
  /** The configured EVM chains' adapters (modules/chains). */
  evm: readonly EvmAdapter[]
  broadcastDelayMs: number
  feeBumpAfterMs: number
}>

export type Treasury = Readonly<{
  /** The live payout provider: payouts and refunds as signed transfers from the treasury. */
  payouts: PayoutProvider
  senders: ReadonlyMap<Chain, EvmSender>
  wallet: Wallet
}>

export function createTreasury(deps: TreasuryDeps): Treasury {
  const senders = new Map<Chain, EvmSender>(
    deps.evm.map((adapter) => [adapter.chain, createEvmSender({ ...deps, adapter })]),
  )

  /** The setting that would make `chain` available, or null when it is. */
  function unavailable(chain: Chain): string | null {
    if (senders.has(chain)) return null
    if ((EVM_CHAINS as readonly string[]).includes(chain)) return `set SX_RPC_${chain.toUpperCase()}`
    return `live transfers on ${chain} are not available yet (sx sends on ${EVM_CHAINS.join(', ')})`
  }

  const payouts: PayoutProvider = {
    id: 'treasury',
    // Not until the watcher records the address that paid: a refund names its destination.
    refundsToPayer: false,
    unavailable,
    async send(request: TransferRequest) {
      const sender = senders.get(request.chain)
      if (!sender) return { ok: false, retryable: false, reason: unavailable(request.chain)! }
      if (request.to === null || !isAddress(request.to, { strict: false }))
        return { ok: false, retryable: false, reason: `no valid ${request.chain} address to send to` }
      const submitted = await sender.submit({
        reference: request.reference,
        purpose: request.reference.startsWith('rf_') ? 'refund' : 'payout',
        fromIndex: 0,
        to: request.to,
        asset: request.asset,
        amount: BigInt(request.amount),
      })
      if (!submitted.ok) return submitted
      // Signed bytes recorded but not yet handed to the node (it did not answer): send again later.
      if (submitted.value.status === 'signed')
        return { ok: false, retryable: true, reason: 'recorded, not yet broadcast' }
      return { ok: true, value: { txHash: submitted.value.tx_hash } }
    },
    async check(reference: string) {
      const row = await repo.findByReference(deps.db, reference)
      if (!row) return { ok: false, retryable: true, reason: `the treasury made no transaction for ${reference}` }
      const sender = senders.get(row.chain as Chain)
      if (!sender) return { ok: false, retryable: true, reason: `${row.chain} is no longer configured` }
      const now = await sender.follow(row)
      const state: TransferState =
        now.status === 'confirmed'
          ? { state: 'confirmed', txHash: now.tx_hash }
          : now.status === 'failed'
            ? { state: 'failed', txHash: now.tx_hash, reason: now.failure_reason ?? 'the transaction failed' }
            : { state: 'broadcast', txHash: now.tx_hash }
      return { ok: true, value: state }
    },
  }
  return { payouts, senders, wallet: deps.wallet }
}
