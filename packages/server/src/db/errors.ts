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
