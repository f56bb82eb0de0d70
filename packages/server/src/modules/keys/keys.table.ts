import type { Selectable } from 'kysely'

export interface ApiKeysTable {
  id: string
  shop_id: string
  livemode: number
  name: string
  /** JSON array of abilities. */
  abilities: string
  /** SHA-256 hex of the full secret; the secret itself is never stored. */
  secret_hash: string
  /** `sx_test_…Ab3x`: enough for a person to recognise the key. */
  secret_hint: string
  created_at: number
  revoked_at: number | null
  last_used_at: number | null
}

export type ApiKeyRow = Selectable<ApiKeysTable>
