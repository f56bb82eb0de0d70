// Owner sign-in for the dashboard: sessions (server-side rows, the cookie holds the only copy of
// the token), password change, reset by emailed link, and the operator's reset at the command line.
import type { Services } from '../../services.ts'
import type { Db } from '../../db/database.ts'
import { hashPassword, randomBase62, sha256Hex, verifyPassword } from '../../platform/crypto.ts'
import { AppError, invalidFields } from '../../platform/errors.ts'
import { OWNER_ABILITIES, type Auth } from '../../platform/http/auth.ts'
import { SESSION_TOKEN_LENGTH, type SessionLookup } from '../../platform/http/session-auth.ts'
import { newId } from '../../platform/ids.ts'
import { queueMail } from '../../platform/mail/outbox.ts'
import { findOwnerByEmail, findOwnerById, setOwnerPasswordHash } from '../shops/index.ts'
import * as repo from './sessions.repository.ts'
import type { OwnerSessionsTable } from './sessions.table.ts'

type Deps = Pick<Services, 'db' | 'clock' | 'config' | 'secretBox'>
export type SessionRow = OwnerSessionsTable

/** A session's last use is written at most this often, so a busy dashboard is not a write per request. */
const TOUCH_EVERY_MS = 60_000
export const MIN_PASSWORD_LENGTH = 8
/** Verified against when the email is unknown, so a wrong email costs the same scrypt work as a wrong password. */
let unknownOwnerHash: Promise<string> | undefined

/** The live session for a token hash (see `SessionLookup`), its last use moved forward. */
export async function findSession(deps: Pick<Deps, 'db' | 'clock' | 'config'>, tokenHash: string) {
  const now = deps.clock.now()
  const row = await repo.findLiveSession(deps.db, tokenHash, now, deps.config.sessions)
  if (row && now - row.last_seen_at >= TOUCH_EVERY_MS) await repo.touchSession(deps.db, row.id, now)
  return row
}

/** The `SessionLookup` port platform's pipeline authenticates session cookies through. */
export function createSessionLookup(deps: Pick<Deps, 'db' | 'clock' | 'config'>): SessionLookup {
  return async (tokenHash): Promise<Auth | null> => {
    const row = await findSession(deps, tokenHash)
    if (!row) return null
    const actor = { type: 'owner_session' as const, id: row.id }
    return { actor, shopId: row.shop_id, livemode: row.livemode === 1, abilities: OWNER_ABILITIES }
  }
}

/** Checks the login and opens a session in test mode (the safe default: nothing real moves until switched). */
export async function signIn(deps: Deps, input: { email: string; password: string }) {
  const owner = await findOwnerByEmail(deps.db, input.email)
  unknownOwnerHash ??= hashPassword(randomBase62(16))
  const matches = await verifyPassword(input.password, owner?.password_hash ?? (await unknownOwnerHash))
  if (!owner || !matches) throw new AppError('unauthenticated', 'Wrong email or password.')
  const token = randomBase62(SESSION_TOKEN_LENGTH)
  const now = deps.clock.now()
  const row: SessionRow = {
    id: newId('session'),
    shop_id: owner.shop_id,
    owner_id: owner.id,
    token_hash: sha256Hex(token),
    livemode: 0,
    created_at: now,
    last_seen_at: now,
    revoked_at: null,
  }
  await repo.insertSession(deps.db, row)
  return { token, row }
}

export async function signOut(deps: Deps, session: SessionRow): Promise<void> {
  await repo.revokeSession(deps.db, session.id, deps.clock.now())
}

export async function switchMode(deps: Deps, session: SessionRow, livemode: boolean): Promise<SessionRow> {
  await repo.setSessionMode(deps.db, session.id, livemode)
  return { ...session, livemode: livemode ? 1 : 0 }
}

/** Needs the current password; every other session of the owner is signed out (a thief's too). */
export async function changePassword(
  deps: Deps,
  session: SessionRow,
  input: { current_password: string; new_password: string },
): Promise<void> {
  const owner = await findOwnerById(deps.db, session.owner_id)
  if (!owner || !(await verifyPassword(input.current_password, owner.password_hash)))
    throw invalidFields({ current_password: ['is not the current password'] })
  const hash = await hashPassword(input.new_password)
  await deps.db.transaction().execute(async (trx) => {
    await setOwnerPasswordHash(trx, owner.id, hash)
    await repo.revokeOwnerSessions(trx, owner.id, session.id, deps.clock.now())
  })
}

/**
 * Mails a single-use reset link when `email` is an owner's; answers the same either way, so the
 * answer does not tell who has an account. The token rides in the link's fragment, which browsers
 * send to no server (no access log or Referer holds it); the dashboard posts it to the confirm route.
 */
export async function requestPasswordReset(deps: Deps, email: string): Promise<void> {
  const owner = await findOwnerByEmail(deps.db, email)
  if (!owner) return
  const token = randomBase62(SESSION_TOKEN_LENGTH)
  const now = deps.clock.now()
  const { resetTtlMs } = deps.config.sessions
  const link = `${deps.config.http.publicUrl}/dashboard/reset-password#token=${token}`
  await deps.db.transaction().execute(async (trx) => {
    await repo.insertPasswordReset(trx, {
      id: newId('passwordReset'),
      owner_id: owner.id,
      token_hash: sha256Hex(token),
      created_at: now,
      expires_at: now + resetTtlMs,
      used_at: null,
    })
    const text = `Someone asked to reset the password of ${owner.email} for ${owner.shop_name}.\n\nChoose a new password here (the link works once, for ${Math.round(resetTtlMs / 60_000)} minutes):\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.`
    await queueMail(
      trx,
      deps.secretBox,
      {
        shopId: owner.shop_id,
        livemode: true,
        orderId: null,
        kind: 'password_reset',
        recipient: owner.email,
        notice: { subject: `Reset your ${owner.shop_name} dashboard password`, text },
      },
      now,
    )
  })
}

/** Spends a reset token and sets the new password; every session of the owner is signed out. */
export async function confirmPasswordReset(deps: Deps, input: { token: string; password: string }): Promise<void> {
  const hash = await hashPassword(input.password)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const ownerId = await repo.takePasswordReset(trx, sha256Hex(input.token), now)
    if (!ownerId) throw invalidFields({ token: ['is unknown, used or expired; ask for a new link'] })
    await setOwnerPasswordHash(trx, ownerId, hash)
    await repo.revokeOwnerSessions(trx, ownerId, null, now)
  })
}

export class OwnerResetError extends Error {}

/** `sx owner reset-password`: sets (or generates) the password and signs the owner out everywhere. */
export async function resetOwnerPassword(db: Db, input: { email: string; password?: string; now: number }) {
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH)
    throw new OwnerResetError(`--password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  const owner = await findOwnerByEmail(db, input.email)
  if (!owner) throw new OwnerResetError(`no owner has the email ${input.email.trim().toLowerCase()}`)
  const password = input.password ?? randomBase62(16)
  const hash = await hashPassword(password)
  await db.transaction().execute(async (trx) => {
    await setOwnerPasswordHash(trx, owner.id, hash)
    await repo.revokeOwnerSessions(trx, owner.id, null, input.now)
  })
  return { email: owner.email, password, generated: input.password === undefined }
}

/** What GET /auth/session and the other auth routes answer about a session. */
export async function describeSession(deps: Pick<Deps, 'db' | 'config'>, session: SessionRow, csrfToken: string) {
  const owner = await findOwnerById(deps.db, session.owner_id)
  if (!owner) throw new AppError('unauthenticated', 'This session has expired or was signed out; sign in again.')
  const { idleMs, absoluteMs } = deps.config.sessions
  return {
    owner: { email: owner.email },
    shop: { id: owner.shop_id, name: owner.shop_name },
    livemode: session.livemode === 1,
    csrf_token: csrfToken,
    expires_at: new Date(Math.min(session.last_seen_at + idleMs, session.created_at + absoluteMs)).toISOString(),
  }
}
