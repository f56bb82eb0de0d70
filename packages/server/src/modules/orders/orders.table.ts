import type { Generated, Selectable } from 'kysely'

export interface OrdersTable {
  id: string
  shop_id: string
  livemode: number
  /** pending | awaiting_payment | paid | delivering | completed | failed | refunded */
  status: string
  customer_id: string
  customer_email: string
  currency: string
  /** What the buyer pays: the lines' subtotals less discount_cents. */
  total_cents: number
  /** The coupon's discount (0 without one); the coupon it came from, and its code as the order used it. */
  discount_cents: Generated<number>
  coupon_id: string | null
  coupon_code: string | null
  /** Refunds that have not failed (processing or succeeded); at most total_cents. */
  refunded_cents: Generated<number>
  note: string | null
  /** JSON of the shipping address (physical goods). */
  shipping_address: string | null
  failure_reason: string | null
  /** The unguessable part of the buyer's page link (checkout, then the goods). */
  page_token: string
  /** Set on a subscription renewal order: the order whose period it extends. */
  renews_order_id: string | null
  provider: string
  chain: string
  asset: string
  pay_address: string | null
  provider_ref: string | null
  /** Base units of the asset, decimal strings (crypto amounts exceed 2^53). */
  amount_due: string | null
  amount_received: string
  /** new | partially_paid | processing | settled | expired | paid_late */
  invoice_status: string
  /** The payment that settled the invoice. */
  tx_hash: string | null
  expires_at: number
  /** JSON {carrier, tracking_number} once physical goods are fulfilled. */
  fulfilment: string | null
  created_at: number
  updated_at: number
  /** When the invoice was paid in full: settled, or paid late (then the order stays failed but holds the money). */
  paid_at: number | null
  delivered_at: number | null
  /** Orders from the storefront's checkout form: the buyer's address key (per-address limits); null for API orders. */
  buyer_address: Generated<string | null>
  /** Quotes made for the order: 0 for the first, one more per change of payment method. */
  quote_no: Generated<number>
}

export interface OrderLinesTable {
  order_id: string
  line: number
  shop_id: string
  livemode: number
  product_id: string
  product_name: string
  product_type: string
  qty: number
  unit_price_cents: number
  subtotal_cents: number
  counter_reserved: number
  /** pending | delivered | failed | awaiting_fulfilment */
  delivery_state: string
  /** JSON array of DeliveredValue, sealed with SX_SECRET (secret-box): what the buyer got for this line. */
  delivered: string | null
  attempts: number
  last_error: string | null
  delivered_at: number | null
}

export interface OrderPaymentsTable {
  order_id: string
  tx_hash: string
  amount: string
  seen_at: number
}

export type OrderRow = Selectable<OrdersTable>
export type OrderLineRow = Selectable<OrderLinesTable>
