// The sandbox payout provider behind every test key: no chain, same lifecycle. Each transfer is a
// row in `sandbox_transfers` (its stand-in for a chain), keyed by the caller's reference, so it
// survives restarts and a repeated send finds the transfer already made. Transaction hashes are
// derived from the reference; a transfer confirms `confirmMs` after its broadcast, or fails if it
// was sent to the chain's failing address (to try failure handling).
import { createHash } from 'node:crypto'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../platform/clock.ts'
import { sandboxAddress, sandboxTxHash, type Chain } from './chains.ts'
import type { PayoutProvider, TransferRequest } from './payout-provider.ts'

function seed(...parts: string[]): Uint8Array {
  return createHash('sha256').update(parts.join(':')).digest()
}

/** In test mode, a payout or refund sent here is broadcast, then fails instead of confirming. */
export function sandboxFailingAddress(chain: Chain): string {
  return sandboxAddress(chain, seed('sandbox payout fails'))
}

export type SandboxPayoutOptions = {
  db: Db
  clock: Clock
  /** From broadcast to confirmation. */
  sandboxConfirmMs: number
  /** A pause after the transfer is made and before `send` answers (tests kill the process there). */
  sandboxSendDelayMs: number
}

export function createSandboxPayoutProvider(options: SandboxPayoutOptions): PayoutProvider {
  const { db, clock } = options
  return {
    id: 'sandbox',
    refundsToPayer: true,
    async send(request: TransferRequest) {
      const txHash = sandboxTxHash(request.chain, seed('transfer', request.reference))
      const failing = request.to !== null && request.to === sandboxFailingAddress(request.chain)
      await db
        .insertInto('sandbox_transfers')
        .values({
          reference: request.reference,
          chain: request.chain,
          asset: request.asset,
          amount: request.amount,
          destination: request.to,
          tx_hash: txHash,
          outcome: failing ? 'failed' : 'confirmed',
          send_calls: 1,
          broadcast_at: clock.now(),
        })
        .onConflict((oc) =>
          oc.column('reference').doUpdateSet((eb) => ({ send_calls: eb('sandbox_transfers.send_calls', '+', 1) })),
        )
        .execute()
      if (options.sandboxSendDelayMs > 0)
        await new Promise((resolve) => setTimeout(resolve, options.sandboxSendDelayMs))
      return { ok: true, value: { txHash } }
    },
    async check(reference: string) {
      const row = await db
        .selectFrom('sandbox_transfers')
        .select(['tx_hash', 'outcome', 'broadcast_at'])
        .where('reference', '=', reference)
        .executeTakeFirst()
      if (!row) return { ok: false, retryable: true, reason: `the sandbox made no transfer ${reference}` }
      if (clock.now() - Number(row.broadcast_at) < options.sandboxConfirmMs)
        return { ok: true, value: { state: 'broadcast', txHash: row.tx_hash } }
      return row.outcome === 'failed'
        ? {
            ok: true,
            value: {
              state: 'failed',
              txHash: row.tx_hash,
              reason: 'the destination rejected the transfer (sandbox failing address)',
            },
          }
        : { ok: true, value: { state: 'confirmed', txHash: row.tx_hash } }
    },
  }
}
