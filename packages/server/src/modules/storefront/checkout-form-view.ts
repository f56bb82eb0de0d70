// The view model of the storefront's checkout form (`/s/<shop>/checkout`, `/embed/checkout`); the
// orders module builds it from the shop, the products asked for and what the buyer typed.
import type { FieldErrors } from '../../platform/errors.ts'
import type { StorefrontShop } from './shop-view.ts'

export type CheckoutFormLine = {
  productId: string
  name: string
  priceCents: number
  currency: string
  qty: number
  /** What the qty input allows (the stock, at most 100). */
  maxQty: number
  physical: boolean
}

export const SHIPPING_FIELDS = [
  ['name', 'Full name', true],
  ['line1', 'Address', true],
  ['line2', 'Address line 2', false],
  ['city', 'City', true],
  ['state', 'State or region', false],
  ['postal_code', 'Postal code', true],
  ['country', 'Country (2 letters, e.g. DE)', true],
  ['phone', 'Phone', false],
] as const

export type ShippingField = (typeof SHIPPING_FIELDS)[number][0]

export type CheckoutFormView = {
  shop: StorefrontShop
  lines: CheckoutFormLine[]
  /** The shop's accepted chain/asset pairs in its public mode. */
  methods: { chain: string; asset: string }[]
  /** What the buyer typed, kept when the form comes back with errors. */
  values: { email: string; coupon: string; method: string; shipping: Partial<Record<ShippingField, string>> }
  /** Field name (`email`, `coupon`, `method`, `ship_<field>`, `lines`) → messages. */
  errors: FieldErrors
  /** The problem's detail when the form was refused. */
  message: string | null
  /** The signed form token (shop and time served). */
  token: string
  /** Where the form posts. */
  action: string
  /** Lines come from the cart cookie (editable, removable) rather than one "Buy now". */
  cart: boolean
  /** In the buy button's overlay: the form posts to the top window (the order page may not be framed). */
  embedded: boolean
}

/** The form's value for one method. */
export function methodValue(method: { chain: string; asset: string }): string {
  return `${method.chain}:${method.asset}`
}
