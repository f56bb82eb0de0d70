// Bearer API keys. A key belongs to one shop and one mode and holds a set of abilities.
import type { FastifyRequest } from 'fastify'
import { sha256Hex } from '../crypto.ts'
import { AppError } from '../errors.ts'
import { overAddressBudget, type AddressBudget } from './address-budgets.ts'
import type { VersionOfKeyScope } from './response-cache.ts'

export const ABILITIES = [
  'orders:read',
  'orders:write',
  'products:read',
  'products:write',
  'customers:read',
  'payouts:read',
  'payouts:write',
  'webhooks:read',
  'webhooks:write',
] as const

export type Ability = (typeof ABILITIES)[number]

/** What a route needs: one ability, or `all` (key management needs a key holding all nine). */
export type RouteAbility = Ability | 'all'

/** Who acts: an API key, or an owner signed in to the dashboard (what events and budgets name). */
export type Actor = Readonly<{ type: 'api_key' | 'owner_session'; id: string }>

export type Auth = Readonly<{ actor: Actor; shopId: string; livemode: boolean; abilities: ReadonlySet<Ability> }>

/** What an owner's session holds: all nine abilities, like the keys `sx init` mints. */
export const OWNER_ABILITIES: ReadonlySet<Ability> = new Set(ABILITIES)

/** Random base62 characters after `sx_live_` / `sx_test_`: every key is minted with exactly this many. */
export const SECRET_LENGTH = 32
const SECRET_PATTERN = new RegExp(`^sx_(live|test)_[0-9A-Za-z]{${SECRET_LENGTH}}$`)

/** A key found, and the version `versionOf` named for its shop and mode (null when none was asked). */
export type KeyMatch = Readonly<{ auth: Auth; version: number | null }>

/**
 * The port keys are looked up through: the active key whose secret hashes to `secretHash`, or null
 * (unknown or revoked), with the version `versionOf` gives for the key's scope read in the same
 * statement. The keys module implements it (it owns `api_keys`); the composition root passes it
 * in. Runs on every authenticated request; revocation must hold at once (no cache): lookups may
 * be shared only by requests that all arrived before the statement was sent.
 */
export type KeyLookup = (secretHash: string, versionOf?: VersionOfKeyScope) => Promise<KeyMatch | null>

// A refused client may be a flood: closing the connection makes it pay a new handshake for its
// next try, and keeps the server from holding thousands of idle refused connections.
export const unauthenticated = (detail: string) =>
  new AppError('unauthenticated', detail, { headers: { 'www-authenticate': 'Bearer realm="sx"', connection: 'close' } })

/**
 * The secret of a well-formed `Authorization: Bearer sx_live_…|sx_test_…` header, or the 401 to
 * answer. Costs no database work: anything not shaped like a minted key is refused here.
 */
export function readBearer(header: string | undefined): string | AppError {
  if (!header) return unauthenticated('Send an API key as "Authorization: Bearer sx_live_…" or "sx_test_…".')
  const [scheme, secret, extra] = header.trim().split(/\s+/)
  if (scheme?.toLowerCase() !== 'bearer' || !secret || extra !== undefined) {
    return unauthenticated('The Authorization header must be "Bearer <api key>".')
  }
  if (!SECRET_PATTERN.test(secret)) return unauthenticated('That is not an sx API key.')
  return secret
}

/** Keys this process accepted lately, by hash; past this many the oldest is forgotten. */
const RECENT_KEYS = 10_000

/**
 * Authentication with a per-address budget for failures. A request without a usable key (none,
 * malformed, unknown, revoked) spends one unit of its address's budget; an address over budget is
 * answered 429 before any lookup, so a flood of made-up keys stops costing the database anything.
 * Real keys keep their own budgets: a key this process accepted recently is still looked up (and
 * served) from a blocked address, so a flood from a shared address (NAT, the same host) does not
 * lock out the merchant whose key is in use there; a key it has not seen waits out the window.
 */
export function createAuthenticator(
  findActiveKey: KeyLookup,
  failures: AddressBudget,
): (request: FastifyRequest, versionOf?: VersionOfKeyScope) => Promise<KeyMatch> {
  const recentKeys = new Set<string>()
  return async function authenticate(request, versionOf) {
    const secret = readBearer(request.headers.authorization)
    const hash = typeof secret === 'string' ? sha256Hex(secret) : null
    const wait = failures.blockedFor(request)
    if (wait > 0 && !(hash && recentKeys.has(hash))) throw overAddressBudget('requests without a valid API key', wait)
    const found = hash ? await findActiveKey(hash, versionOf) : null
    if (found) {
      if (!recentKeys.has(hash!)) {
        if (recentKeys.size >= RECENT_KEYS) recentKeys.delete(recentKeys.values().next().value!)
        recentKeys.add(hash!)
      }
      return found
    }
    // The answer is a refusal either way: a counter store outage must not turn it into a 503.
    const over = await failures.spend(request).catch(() => 0)
    if (over > 0) throw overAddressBudget('requests without a valid API key', over)
    throw typeof secret === 'string' ? unauthenticated('This API key is unknown or has been revoked.') : secret
  }
}

export function assertAbility(auth: Auth, needed: RouteAbility): void {
  if (needed === 'all') {
    const missing = ABILITIES.filter((a) => !auth.abilities.has(a))
    if (missing.length > 0) {
      throw new AppError(
        'forbidden_scope',
        `Managing API keys needs a key holding all nine abilities; this key lacks ${missing.join(', ')}.`,
      )
    }
  } else if (!auth.abilities.has(needed)) {
    throw new AppError('forbidden_scope', `This API key lacks the ability "${needed}" that this endpoint needs.`, {
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${needed}"` },
    })
  }
}
