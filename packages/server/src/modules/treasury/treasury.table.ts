import type { Selectable } from 'kysely'

/** The next nonce sx will sign with, per chain and signing address (the treasury, or a deposit address being swept). */
export interface ChainNoncesTable {
  chain: string
  address: string
  next_nonce: number
}

/** Every transaction sx signs, recorded (signed bytes included) before it is broadcast. */
export interface ChainTransactionsTable {
  id: string
  /** The payout or refund id, or the sweep's id: at most one transaction per reference. */
  reference: string
  /** payout | refund | sweep | gas (a top-up that lets a deposit address pay for its token sweep) */
  purpose: string
  chain: string
  /** The wallet index that signs: 0 is the treasury, deposits from 1. */
  from_index: number
  from_address: string
  to_address: string
  /** The asset moved (the native coin for gas top-ups). */
  asset: string
  /** Base units, a decimal integer string. */
  amount: string
  nonce: number
  /** The signed transaction, 0x hex: what every (re)broadcast sends. */
  raw_tx: string
  tx_hash: string
  /** signed (not yet known to be broadcast) | broadcast | confirmed | failed */
  status: string
  failure_reason: string | null
  block_number: number | null
  /** How often the bytes were handed to the node (more than once only after a crash or a drop). */
  broadcasts: number
  /** When raw_tx was signed (null: at created_at); a broadcast left unmined for SX_FEE_BUMP_AFTER_SECONDS is replaced. */
  signed_at: number | null
  /** JSON array of the tx hashes raw_tx replaced (same nonce, lower fee): any of them may be the one mined. */
  replaced: string
  created_at: number
  updated_at: number
}

export type ChainTransactionRow = Selectable<ChainTransactionsTable>
