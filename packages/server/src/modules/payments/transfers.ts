// Driving an outgoing transfer (a payout or a refund) one step at a time, outside any transaction:
// the caller records each step in its own transaction, then schedules the next. The order of
// writes is what keeps money from being sent twice:
//   1. the payout or refund row (the intent) commits before the provider is ever called;
//   2. `send` is keyed by that row's id, so a send repeated after a crash returns the first transfer;
//   3. once a transaction hash is recorded, only `check` is called, never `send` again.
import { AppError } from '../../platform/errors.ts'
import type { Chain } from './chains.ts'
import type { PayoutProvider, TransferRequest } from './payout-provider.ts'
import type { ProviderResult } from './provider.ts'

export type PayoutProviders = Readonly<{ sandbox: PayoutProvider; live: PayoutProvider | null }>

export type TransferStep =
  | { kind: 'broadcast'; txHash: string }
  | { kind: 'confirmed'; txHash: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'wait'; reason: string }

/** Test keys always pay out through the sandbox; live mode needs a configured provider (409 until then). */
export function payoutProviderFor(providers: PayoutProviders, livemode: boolean, chain?: string): PayoutProvider {
  const provider = livemode ? providers.live : providers.sandbox
  if (!provider)
    throw new AppError(
      'conflict',
      'No live payout provider is configured on this server, so live money cannot be sent; use a test key to try payouts and refunds in the sandbox.',
    )
  // A live provider serves the chains the operator configured; another is a 409 naming its setting.
  const missing = chain === undefined ? null : (provider.unavailable?.(chain as Chain) ?? null)
  if (missing)
    throw new AppError('conflict', `Live transfers on ${chain} are not configured on this server: ${missing}.`)
  return provider
}

/** A refund or payout as its job reads it: `reference` is its id, `txHash` what was recorded so far. */
export type OutgoingTransfer = Omit<TransferRequest, 'chain'> & {
  chain: string
  livemode: boolean
  txHash: string | null
}

/** Sends the transfer through its mode's provider if it has no transaction hash yet, else asks where it stands. */
export async function stepTransfer(providers: PayoutProviders, transfer: OutgoingTransfer): Promise<TransferStep> {
  const { livemode, txHash, ...fields } = transfer
  const provider = payoutProviderFor(providers, livemode)
  const request: TransferRequest = { ...fields, chain: fields.chain as Chain }
  if (txHash === null) {
    const sent = await provider.send(request).catch(thrown)
    if (sent.ok) return { kind: 'broadcast', txHash: sent.value.txHash }
    // Refused before anything was sent (bad address, provider out of funds): safe to give the money back.
    return sent.retryable ? { kind: 'wait', reason: sent.reason } : { kind: 'failed', reason: sent.reason }
  }
  const status = await provider.check(request.reference).catch(thrown)
  // A broadcast transfer fails only when the provider says so: an error while asking proves nothing.
  if (!status.ok) return { kind: 'wait', reason: status.reason }
  if (status.value.state === 'confirmed') return { kind: 'confirmed', txHash: status.value.txHash }
  if (status.value.state === 'failed')
    return { kind: 'failed', reason: status.value.reason ?? 'the transfer failed on chain' }
  return { kind: 'wait', reason: 'waiting for confirmations' }
}

function thrown(error: unknown): ProviderResult<never> {
  return { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error) }
}
