// The payout provider port: sends money out (payouts to the merchant, refunds to buyers) and says
// where each transfer stands. Every transfer carries the caller's reference (the payout or refund
// id), and a provider makes at most one transfer per reference: a send repeated after a crash
// answers the transfer already made instead of paying twice (research/crypto.md §6.2).
import type { Chain } from './chains.ts'
import type { ProviderResult } from './provider.ts'

export type TransferRequest = {
  /** The caller's id for this transfer; the idempotency key of `send`. */
  reference: string
  chain: Chain
  asset: string
  /** Base units of the asset, as a decimal integer string. */
  amount: string
  /** Null: back to the address that paid (refunds, with providers that can). */
  to: string | null
  memo: string | null
}

export type TransferState = { state: 'broadcast' | 'confirmed' | 'failed'; txHash: string; reason?: string }

export interface PayoutProvider {
  readonly id: string
  /** Whether a refund may leave out its destination: the provider sends it back to the address that paid. */
  readonly refundsToPayer: boolean
  /** Why this provider cannot send on `chain` (the setting to set), or null when it can; absent: every chain. */
  unavailable?(chain: Chain): string | null
  /** Broadcasts the transfer, or answers the one already made for this reference. */
  send(request: TransferRequest): Promise<ProviderResult<{ txHash: string }>>
  /** Where the transfer made for `reference` stands. */
  check(reference: string): Promise<ProviderResult<TransferState>>
}

/**
 * A live provider that cannot send anything yet and says why (chains configured, no wallet): a
 * payout or refund is then a 409 naming what to set, not a failure after the money was held.
 */
export function unavailablePayoutProvider(reason: string): PayoutProvider {
  const refused = { ok: false as const, retryable: false, reason }
  return {
    id: 'unavailable',
    refundsToPayer: false,
    unavailable: () => reason,
    send: async () => refused,
    check: async () => refused,
  }
}
