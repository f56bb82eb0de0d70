// The view model the storefront routes build for one order; the renderers read nothing else.

export type OrderStatus = 'pending' | 'awaiting_payment' | 'paid' | 'delivering' | 'completed' | 'failed' | 'refunded'

export type PaymentStatus = 'new' | 'partially_paid' | 'processing' | 'settled' | 'expired' | 'paid_late' | 'overpaid'

export type OrderPageView = {
  shopName: string
  /** The merchant's settings (PATCH /v1/shop); absent or null parts fall back to sx's look. */
  brand?: Brand
  /** false → the page and emails carry a "Test mode — do not send real funds" banner. */
  livemode: boolean
  orderId: string
  status: OrderStatus
  /** e.g. 'payment_expired', 'delivery_failed'. */
  failureReason: string | null
  totalCents: number
  currency: string
  /** `imageUrl`: the product's image (served from `imageOrigin`), when it has one. */
  lines: { name: string; qty: number; subtotalCents: number; imageUrl?: string | null }[]
  /** The origin product images are served from (PUBLIC_URL's): the page's CSP allows it when a line has an image. */
  imageOrigin?: string
  /** A coupon's discount, shown above the total (which is after it). */
  discount?: { code: string; cents: number } | null
  payment: null | {
    chain: string
    asset: string
    address: string
    /** In asset units, e.g. "25.000000". */
    amountDue: string
    /** What is still to pay after partial payments. */
    amountRemaining: string
    amountPaid: string
    status: PaymentStatus
    /** Encoded in the QR code and behind the "Open in wallet" button. */
    paymentUri: string
    /** ISO; the countdown counts to it. */
    expiresAt: string | null
    /** A live payment seen on chain and still confirming: "seen, N of M confirmations". */
    confirming?: { confirmations: number; required: number } | null
  }
  /** The order page only: while nothing is paid, the other ways to pay (a form posting to `action`). */
  changeMethod?: { action: string; quote: number; methods: { chain: string; asset: string }[] } | null
  delivery: {
    state: 'pending' | 'in_progress' | 'delivered' | 'failed' | 'awaiting_fulfilment'
    items: DeliveredItem[]
  }
  /** Server time, so the countdown does not trust the client clock. */
  nowIso: string
  /** JSON endpoint the page polls: returns {"status": ..., "version": "<opaque string>"}. */
  statusUrl: string
  /** The opaque version the page was rendered at. */
  version: string
}

export type Brand = {
  /** `#rrggbb`, checked by the API. */
  color: string | null
  /** An https URL, checked by the API. */
  logoUrl: string | null
  supportEmail: string | null
}

export type DeliveredItem = {
  productName: string
  kind: 'license_key' | 'account' | 'file_download' | 'dynamic' | 'physical' | 'subscription'
  value?: string
  url?: string
  expiresAt?: string
  downloadsLeft?: number
  carrier?: string
  trackingNumber?: string
  periodEnd?: string
}

/** Final orders never change again, so the page stops refreshing and polling. */
export function isFinalStatus(status: OrderStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'refunded'
}
