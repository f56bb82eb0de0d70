import type { Selectable } from 'kysely'

export interface PayoutsTable {
  id: string
  shop_id: string
  livemode: number
  /** queued | broadcast | confirmed | failed */
  status: string
  amount_cents: number
  currency: string
  chain: string
  asset: string
  /** Base units of the asset, quoted when the payout was created. */
  amount: string
  destination_address: string
  memo: string | null
  tx_hash: string | null
  failure_reason: string | null
  created_at: number
  updated_at: number
  broadcast_at: number | null
  confirmed_at: number | null
  failed_at: number | null
}

export type PayoutRow = Selectable<PayoutsTable>
