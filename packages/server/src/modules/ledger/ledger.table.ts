import type { Selectable } from 'kysely'

/** One per shop, mode and currency that has held money; payouts and refunds lock it to debit. */
export interface LedgerAccountsTable {
  shop_id: string
  livemode: number
  currency: string
  created_at: number
}

/** Append-only: rows are inserted, never updated or deleted. */
export interface LedgerEntriesTable {
  id: string
  shop_id: string
  livemode: number
  currency: string
  /** available | pending */
  bucket: string
  /** payment | refund | refund_sent | refund_reversed | payout | payout_sent | payout_reversed */
  kind: string
  /** The order, refund or payout the entry belongs to. */
  source_id: string
  /** Signed integer cents: credits positive, debits negative. */
  amount_cents: number
  created_at: number
}

export type LedgerEntryRow = Selectable<LedgerEntriesTable>
