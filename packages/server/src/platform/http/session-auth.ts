// Owner sessions on /v1: the dashboard's HttpOnly cookie stands in for an API key. The session row
// lives in the sessions module (it answers through the `SessionLookup` port); this file reads the
// cookie and guards writes against cross-site requests: a cookie rides along with any request the
// browser makes, so a write must also carry the session's CSRF token (a header another site
// cannot set without CORS, which sx does not grant) and, when the browser names one, our Origin.
import type { FastifyRequest } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import { sha256Hex } from '../crypto.ts'
import { AppError } from '../errors.ts'
import { overAddressBudget, type AddressBudget } from './address-budgets.ts'
import { unauthenticated, type Auth } from './auth.ts'

export const SESSION_COOKIE = 'sx_session'
export const CSRF_HEADER = 'x-csrf-token'
/** Random base62 characters of a session token (≈ 256 bits). */
export const SESSION_TOKEN_LENGTH = 43
const TOKEN_PATTERN = new RegExp(`^[0-9A-Za-z]{${SESSION_TOKEN_LENGTH}}$`)
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The port sessions are looked up through: the live (not revoked, not idle or past its absolute
 * lifetime) session whose token hashes to `tokenHash`, acting as its owner in its mode, or null.
 * Implemented by the sessions module; like key lookups, no cache, so sign-out holds at once.
 */
export type SessionLookup = (tokenHash: string) => Promise<Auth | null>

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

/** The session's CSRF token: derived from the session token, so nothing more is stored; the token cannot be recovered from it. */
export function csrfTokenFor(sessionToken: string): string {
  return sha256Hex(`sx-csrf:${sessionToken}`)
}

export function isSessionToken(value: string): boolean {
  return TOKEN_PATTERN.test(value)
}

/** 403 unless a write carries the session's CSRF token and, when the browser sent one, our Origin. */
export function assertSameSiteWrite(request: FastifyRequest, sessionToken: string, publicUrl: string): void {
  if (SAFE_METHODS.has(request.method)) return
  const sent = request.headers[CSRF_HEADER]
  const expected = Buffer.from(csrfTokenFor(sessionToken))
  if (typeof sent !== 'string' || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), expected)) {
    throw new AppError(
      'forbidden_scope',
      'A write with a session cookie needs the X-CSRF-Token header holding the csrf_token of sign-in or GET /auth/session.',
    )
  }
  assertOurOrigin(request, publicUrl)
}

/** 403 when the browser names an Origin other than PUBLIC_URL's (sign-in, where no session exists yet, checks this alone). */
export function assertOurOrigin(request: FastifyRequest, publicUrl: string): void {
  const origin = request.headers.origin
  const ours = new URL(publicUrl).origin
  if (origin !== undefined && origin !== ours) {
    // Usually a merchant who opened the dashboard at another name of this host (localhost vs
    // 127.0.0.1): say where it works, not only what was refused.
    throw new AppError(
      'forbidden_scope',
      `Signed-in writes are accepted from ${ours} (PUBLIC_URL) only, not from ${origin}: open the dashboard at ${ours}/dashboard.`,
    )
  }
}

/**
 * Authentication by session cookie, with the same per-address budget for failures as API keys: an
 * unknown, expired or signed-out session spends one unit; an address over budget is refused first.
 */
export function createSessionAuthenticator(
  findSession: SessionLookup,
  failures: AddressBudget,
  publicUrl: string,
): (request: FastifyRequest, sessionToken: string) => Promise<Auth> {
  return async function authenticateSession(request, token) {
    const wait = failures.blockedFor(request)
    if (wait > 0) throw overAddressBudget('requests without a valid API key or session', wait)
    const auth = isSessionToken(token) ? await findSession(sha256Hex(token)) : null
    if (!auth) {
      const over = await failures.spend(request).catch(() => 0)
      if (over > 0) throw overAddressBudget('requests without a valid API key or session', over)
      throw unauthenticated('This session has expired or was signed out; sign in again.')
    }
    assertSameSiteWrite(request, token, publicUrl)
    return auth
  }
}
