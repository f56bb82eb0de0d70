import type { Generated, Selectable } from 'kysely'

export interface CouponsTable {
  id: string
  shop_id: string
  livemode: number
  /** As the merchant wrote it; shown on orders. */
  code: string
  /** The code lower-cased: unique per shop and mode, what a buyer's code is matched on. */
  code_key: string
  /** Exactly one of percent_off (1–100) and amount_off_cents (with its currency) is set. */
  percent_off: number | null
  amount_off_cents: number | null
  currency: string | null
  /** JSON array of product ids the discount applies to; empty = every product. */
  product_ids: string
  max_redemptions: number | null
  /** Orders holding a redemption: counted at checkout, given back when an unpaid order expires or fails. */
  times_redeemed: Generated<number>
  expires_at: number | null
  active: number
  created_at: number
  updated_at: number
}

export type CouponRow = Selectable<CouponsTable>
