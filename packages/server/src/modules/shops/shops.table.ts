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
}

export interface OwnersTable {
  id: string
  shop_id: string
  email: string
  /** scrypt: `scrypt$<salt b64>$<hash b64>` */
  password_hash: string
  created_at: number
}
