export interface OwnerSessionsTable {
  id: string
  shop_id: string
  owner_id: string
  /** SHA-256 of the cookie's token: the token itself is never stored. */
  token_hash: string
  /** The mode the dashboard acts in (POST /auth/mode switches it). */
  livemode: number
  created_at: number
  /** Moved forward at most once a minute by requests (idle expiry counts from here). */
  last_seen_at: number
  revoked_at: number | null
}

export interface PasswordResetsTable {
  id: string
  owner_id: string
  token_hash: string
  created_at: number
  expires_at: number
  used_at: number | null
}
