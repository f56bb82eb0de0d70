/** A unique constraint refused the write (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

// Connection-level failures (server gone, pool closed), as opposed to a bad query.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  'SQLITE_BUSY',
])
const UNAVAILABLE_MESSAGES =
  /driver has already been destroyed|connection is not open|Connection terminated|Cannot use a pool after calling end/i

/** The database could not be reached (answer 503 and let the client retry), not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return UNAVAILABLE_CODES.has(String(code)) || UNAVAILABLE_MESSAGES.test(String(message ?? ''))
}

// The connection a statement was sent on is gone (the server closed it, or a dropped socket was
// found out by this write); the database may well be up. Refused or never-opened connections are not this.
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', '57P01', '57P02', '08003', '08006'])

/** A read that failed this way can run again on another connection (prepared.ts); a write never does. */
export function isLostConnection(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return LOST_CODES.has(String(code)) || /Connection terminated unexpectedly/i.test(String(message ?? ''))
}
