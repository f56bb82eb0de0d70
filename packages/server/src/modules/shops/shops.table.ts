export interface ShopsTable {
  id: string
  name: string
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
