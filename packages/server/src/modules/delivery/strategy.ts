// The delivery port: one strategy per product type. `fetch` does network work outside any
// transaction (dynamic only); `settle` runs inside the transaction that marks the line delivered
// (the payment's own when no line of the order needs `fetch`), and must give the same answer if
// it runs again for the same line.
import type { OutboundClient } from '../../platform/outbound/client.ts'
import type { Config } from '../../config.ts'
import type { DbOrTrx, Dialect } from '../../db/database.ts'
import type { Clock } from '../../platform/clock.ts'
import type { SecretBox } from '../../platform/secret-box.ts'

export type LineToDeliver = {
  shopId: string
  livemode: boolean
  orderId: string
  line: number
  productId: string
  productType: string
  qty: number
  customerEmail: string
  paidAt: number
  /** Subscription renewals: when the period this one extends ends (null for a first period). */
  renewedPeriodEnd: number | null
}

/** What a line delivered, as stored on the line (the API adds product_id and kind). */
export type DeliveredValue = {
  value?: string
  url?: string
  expires_at?: string
  max_downloads?: number
  carrier?: string
  tracking_number?: string
  period_start?: string
  period_end?: string
}

export type Fetched = { ok: true; values: string[] } | { ok: false; reason: string }
export type Settled = { state: 'delivered'; delivered: DeliveredValue[] } | { state: 'awaiting_fulfilment' }

export type DeliveryDeps = {
  config: Config
  db: DbOrTrx
  dialect: Dialect
  clock: Clock
  secretBox: SecretBox
  outbound: OutboundClient
}

/** What `settle` may use: no network, no connection of its own (it can run inside a payment's transaction). */
export type SettleDeps = Pick<DeliveryDeps, 'config' | 'clock' | 'secretBox'>

export interface DeliveryStrategy {
  fetch?(deps: DeliveryDeps, line: LineToDeliver): Promise<Fetched>
  settle(trx: DbOrTrx, deps: SettleDeps, line: LineToDeliver, fetched: Fetched | undefined): Promise<Settled>
}
