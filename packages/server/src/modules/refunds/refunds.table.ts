import type { Selectable } from 'kysely'

export interface RefundsTable {
  id: string
  shop_id: string
  livemode: number
  order_id: string
  /** processing | succeeded | failed */
  status: string
  amount_cents: number
  /** The order's currency. */
  currency: string
  /** requested_by_buyer | duplicate | fraud | other */
  reason: string
  note: string | null
  /** What goes back on chain: the order's chain and asset, `amount` in base units. */
  chain: string
  asset: string
  amount: string
  /** Null: back to the address that paid. */
  destination_address: string | null
  destination_tx: string | null
  failure_reason: string | null
  created_at: number
  updated_at: number
  broadcast_at: number | null
  /** When it succeeded or failed. */
  settled_at: number | null
}

export type RefundRow = Selectable<RefundsTable>
