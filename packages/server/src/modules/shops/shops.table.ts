export interface ShopsTable {
  id: string
  name: string
  /** Where buyers write with questions (checkout page and order emails), or null. */
  support_email: string | null
  /** An https URL of the shop's logo, or null. */
  logo_url: string | null
  /** `#rrggbb`: buttons and links on the checkout page and in emails, or null for sx's own. */
  brand_color: string | null
  created_at: number
  /** The shop's pages are at `/s/<slug>`: a-z0-9 and dashes, 3–40, unique. */
  slug: string
  /** test | live: which mode's products and payment methods the shop pages offer. */
  storefront_mode: string
  /** A hostname whose requests are served this shop's pages at `/`, or null. */
  custom_domain: string | null
  /** JSON `[{chain, asset}]` the shop accepts in each mode, or null for all the mode offers. */
  payment_methods_test: string | null
  payment_methods_live: string | null
  /** Moves with every settings change: cached shop pages are keyed by it. */
  settings_version: number
}

export interface OwnersTable {
  id: string
  shop_id: string
  email: string
  /** scrypt: `scrypt$<salt b64>$<hash b64>` */
  password_hash: string
  created_at: number
}
