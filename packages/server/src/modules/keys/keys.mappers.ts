import { toIso, toIsoOrNull } from '../../platform/clock.ts'
import type { Ability } from '../../platform/http/auth.ts'
import type { ApiKey } from './keys.schemas.ts'
import type { ApiKeyRow } from './keys.table.ts'

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    abilities: JSON.parse(row.abilities) as Ability[],
    mode: row.livemode === 1 ? 'live' : 'test',
    livemode: row.livemode === 1,
    secret_hint: row.secret_hint,
    created_at: toIso(row.created_at),
    last_used_at: toIsoOrNull(row.last_used_at),
  }
}
