// Queries over `owner_sessions` and `password_resets`. Expiry is part of every read: a session
// past its idle or absolute limit is simply not found.
import type { Insertable } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import type { OwnerSessionsTable, PasswordResetsTable } from './sessions.table.ts'

export type Lifetimes = Readonly<{ idleMs: number; absoluteMs: number }>

export async function insertSession(db: DbOrTrx, row: Insertable<OwnerSessionsTable>): Promise<void> {
  await db.insertInto('owner_sessions').values(row).execute()
}

/** The session whose token hashes to `tokenHash`, unless revoked, idle too long, or too old. */
export function findLiveSession(db: DbOrTrx, tokenHash: string, now: number, lifetimes: Lifetimes) {
  return db
    .selectFrom('owner_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('last_seen_at', '>', now - lifetimes.idleMs)
    .where('created_at', '>', now - lifetimes.absoluteMs)
    .executeTakeFirst()
}

export async function touchSession(db: DbOrTrx, id: string, now: number): Promise<void> {
  await db.updateTable('owner_sessions').set({ last_seen_at: now }).where('id', '=', id).execute()
}

export async function setSessionMode(db: DbOrTrx, id: string, livemode: boolean): Promise<void> {
  await db
    .updateTable('owner_sessions')
    .set({ livemode: livemode ? 1 : 0 })
    .where('id', '=', id)
    .execute()
}

export async function revokeSession(db: DbOrTrx, id: string, now: number): Promise<void> {
  await db.updateTable('owner_sessions').set({ revoked_at: now }).where('id', '=', id).execute()
}

/** Revokes every active session of the owner except `keepId` (null: all of them). */
export async function revokeOwnerSessions(
  db: DbOrTrx,
  ownerId: string,
  keepId: string | null,
  now: number,
): Promise<void> {
  let query = db
    .updateTable('owner_sessions')
    .set({ revoked_at: now })
    .where('owner_id', '=', ownerId)
    .where('revoked_at', 'is', null)
  if (keepId) query = query.where('id', '!=', keepId)
  await query.execute()
}

export async function insertPasswordReset(db: DbOrTrx, row: Insertable<PasswordResetsTable>): Promise<void> {
  await db.insertInto('password_resets').values(row).execute()
}

/**
 * Spends the reset token: marks it used if it is unused and unexpired, and answers its owner; the
 * conditional UPDATE makes two concurrent confirmations spend it once.
 */
export async function takePasswordReset(db: DbOrTrx, tokenHash: string, now: number): Promise<string | null> {
  const row = await db
    .selectFrom('password_resets')
    .select(['id', 'owner_id'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  if (!row) return null
  const spent = await db
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return spent.numUpdatedRows === 1n ? row.owner_id : null
}

/** Deletes up to `limit` sessions signed in before `before` (all past their absolute lifetime, so over); answers how many. */
export async function purgeEndedSessions(db: DbOrTrx, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('owner_sessions')
    .where('id', 'in', (eb) =>
      eb.selectFrom('owner_sessions').select('id').where('created_at', '<', before).limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Deletes up to `limit` reset tokens expired before `now` (used or not); answers how many. */
export async function purgeExpiredResets(db: DbOrTrx, now: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('password_resets')
    .where('id', 'in', (eb) => eb.selectFrom('password_resets').select('id').where('expires_at', '<', now).limit(limit))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
