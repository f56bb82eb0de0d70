/** The sandbox payout provider's record of the transfers it made (test mode's stand-in for a chain). */
export interface SandboxTransfersTable {
  /** The caller's payout or refund id: one transfer per reference, ever. */
  reference: string
  chain: string
  asset: string
  amount: string
  destination: string | null
  tx_hash: string
  /** confirmed | failed: what the transfer becomes once its confirmation time has passed. */
  outcome: string
  /** How often `send` was called for this reference (more than once only after a crash or retry). */
  send_calls: number
  broadcast_at: number
}
