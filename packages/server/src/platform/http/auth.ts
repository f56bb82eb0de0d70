// Bearer API keys. A key belongs to one shop and one mode and holds a set of abilities.
import type { Db } from '../../db/database.ts'
import { preparedQuery } from '../../db/prepared.ts'
import { sha256Hex } from '../crypto.ts'
import { AppError } from '../errors.ts'

export const ABILITIES = [
  'orders:read', 'orders:write', 'products:read', 'products:write', 'customers:read',
  'payouts:read', 'payouts:write', 'webhooks:read', 'webhooks:write',
] as const

export type Ability = (typeof ABILITIES)[number]

/** What a route needs: one ability, or `all` (key management needs a key holding all nine). */
export type RouteAbility = Ability | 'all'

export type Auth = Readonly<{ keyId: string; shopId: string; livemode: boolean; abilities: ReadonlySet<Ability> }>

const SECRET_PATTERN = /^sx_(live|test)_[0-9A-Za-z]{24,128}$/

// Runs on every authenticated request, so it is compiled once. Revocation holds at once: no cache.
const findActiveKeyByHash = preparedQuery((db) =>
  db.selectFrom('api_keys').select(['id', 'shop_id', 'livemode', 'abilities']).where('secret_hash', '=', '?').where('revoked_at', 'is', null),
)

const unauthenticated = (detail: string) =>
  new AppError('unauthenticated', detail, { headers: { 'www-authenticate': 'Bearer realm="sx"' } })

/** Resolves the Authorization header to the key's shop, mode and abilities; 401 for anything else. */
export async function authenticate(db: Db, header: string | undefined): Promise<Auth> {
  if (!header) throw unauthenticated('Send an API key as "Authorization: Bearer sx_live_…" or "sx_test_…".')
  const [scheme, secret, extra] = header.trim().split(/\s+/)
  if (scheme?.toLowerCase() !== 'bearer' || !secret || extra !== undefined) {
    throw unauthenticated('The Authorization header must be "Bearer <api key>".')
  }
  if (!SECRET_PATTERN.test(secret)) throw unauthenticated('That is not an sx API key.')
  const [row] = await findActiveKeyByHash(db, sha256Hex(secret))
  if (!row) throw unauthenticated('This API key is unknown or has been revoked.')
  return {
    keyId: row.id,
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    abilities: new Set(JSON.parse(row.abilities) as Ability[]),
  }
}

export function assertAbility(auth: Auth, needed: RouteAbility): void {
  if (needed === 'all') {
    const missing = ABILITIES.filter((a) => !auth.abilities.has(a))
    if (missing.length > 0) {
      throw new AppError('forbidden_scope', `Managing API keys needs a key holding all nine abilities; this key lacks ${missing.join(', ')}.`)
    }
  } else if (!auth.abilities.has(needed)) {
    throw new AppError('forbidden_scope', `This API key lacks the ability "${needed}" that this endpoint needs.`, {
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${needed}"` },
    })
  }
}
