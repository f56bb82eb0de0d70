export interface IdempotencyKeysTable {
  shop_id: string
  livemode: number
  idem_key: string
  /** Keyed digest (secret-box HMAC) of the SHA-256 of method, path and canonical body. */
  fingerprint: string
  /** in_progress | completed */
  state: string
  status_code: number | null
  /** The response bytes, sealed with SX_SECRET (secret-box), without the secrets shown once; replayed as stored. */
  response_body: string | null
  response_type: string | null
  created_at: number
  locked_at: number
}
