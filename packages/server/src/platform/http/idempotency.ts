// Idempotency-Key on POST: the first request with a key claims it; a retry with the same method,
// path and body gets the stored response (`Idempotent-Replayed: true`) and causes nothing new.
// The stored response is written inside the service's own transaction (see `transact`), so a
// committed change and its replayable answer exist together or not at all. It is stored sealed
// (an order answer carries delivered goods), and without the secrets a route shows only once
// (`shownOnce`): a replay answers the object with those fields left out and `secret_omitted: true`.
// Records older than IDEMPOTENCY_TTL_MS are deleted by the housekeeping job.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db, DbOrTrx } from '../../db/database.ts'
import { sha256Hex } from '../crypto.ts'
import { AppError } from '../errors.ts'
import type { SecretBox } from '../secret-box.ts'

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
/** An in-flight claim older than this is taken to belong to a crashed process and may be taken over. */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000

export type IdempotencyClaim = { shopId: string; livemode: number; key: string; completed: boolean }
type Scope = Omit<IdempotencyClaim, 'completed'>
type Replay = { status: number; body: string; contentType: string }

/** Reads the header: 1–255 printable ASCII characters, optionally as a quoted sf-string. */
export function readIdempotencyKey(request: FastifyRequest): string | null {
  const raw = request.headers['idempotency-key']
  if (raw === undefined) return null
  const value = Array.isArray(raw) ? raw.join(',') : raw
  const key = /^".*"$/.test(value) ? value.slice(1, -1) : value
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new AppError('invalid_request', 'Idempotency-Key must be 1-255 printable ASCII characters.', {
      errors: { 'Idempotency-Key': ['must be 1-255 printable ASCII characters'] },
    })
  }
  return key
}

/**
 * Same method + path + body (key order and whitespace ignored) ⇒ same fingerprint. Keyed (the
 * secret box's HMAC over the SHA-256): a plain hash of a small body (one stock item) would let a
 * copy of the database confirm a guessed value.
 */
export function fingerprint(request: FastifyRequest, box: Pick<SecretBox, 'digest'>): string {
  return box.digest(sha256Hex(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body ?? null)}`))
}

/** Claims the key, or answers with the stored response, or refuses with 409. */
export async function claimKey(
  db: Db,
  box: Pick<SecretBox, 'open'>,
  scope: Scope,
  print: string,
  now: number,
): Promise<{ replay: Replay } | { claimed: true }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        shop_id: scope.shopId,
        livemode: scope.livemode,
        idem_key: scope.key,
        fingerprint: print,
        state: 'in_progress',
        status_code: null,
        response_body: null,
        response_type: null,
        created_at: now,
        locked_at: now,
      })
      .onConflict((oc) => oc.columns(['shop_id', 'livemode', 'idem_key']).doNothing())
      .executeTakeFirst()
    if (inserted.numInsertedOrUpdatedRows === 1n) return { claimed: true }

    const row = await whereScope(db.selectFrom('idempotency_keys').selectAll(), scope).executeTakeFirst()
    if (!row) continue // released meanwhile: claim again
    if (row.created_at < now - IDEMPOTENCY_TTL_MS) {
      await whereScope(db.deleteFrom('idempotency_keys'), scope).where('created_at', '=', row.created_at).execute()
      continue
    }
    if (row.fingerprint !== print) {
      throw new AppError('conflict', 'Idempotency key already used with a different payload.')
    }
    if (row.state === 'completed') {
      return {
        replay: { status: row.status_code!, body: box.open(row.response_body!), contentType: row.response_type! },
      }
    }
    if (row.locked_at < now - IDEMPOTENCY_LOCK_MS) {
      const taken = await whereScope(db.updateTable('idempotency_keys').set({ locked_at: now }), scope)
        .where('state', '=', 'in_progress')
        .where('locked_at', '=', row.locked_at)
        .executeTakeFirst()
      if (taken.numUpdatedRows === 1n) return { claimed: true }
      continue
    }
    throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress; retry shortly.', {
      headers: { 'retry-after': '1' },
    })
  }
  throw new AppError('conflict', 'This Idempotency-Key is contended; retry shortly.', {
    headers: { 'retry-after': '1' },
  })
}

/** Stores the response; called inside the service's transaction or, failing that, when the reply is sent. */
export async function completeKey(
  trx: DbOrTrx,
  box: Pick<SecretBox, 'seal'>,
  scope: Scope,
  response: Replay,
): Promise<void> {
  await whereScope(
    trx.updateTable('idempotency_keys').set({
      state: 'completed',
      status_code: response.status,
      response_body: box.seal(response.body),
      response_type: response.contentType,
    }),
    scope,
  ).execute()
}

/**
 * The answer as stored for replay: `fields` (secrets shown once) left out, and `secret_omitted: true`
 * saying so when any was there. The first answer still carries them.
 */
export function withoutShownOnce<T>(value: T, fields: readonly string[]): T {
  if (!value || typeof value !== 'object') return value
  const present = fields.filter((field) => field in value)
  if (present.length === 0) return value
  const stored: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  for (const field of present) delete stored[field]
  return { ...stored, secret_omitted: true } as T
}

/** Deletes up to `limit` records created before `before` (replays last 24 h); answers how many went. */
export async function purgeIdempotencyKeys(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where((eb) =>
      eb(
        eb.refTuple('shop_id', 'livemode', 'idem_key'),
        'in',
        eb
          .selectFrom('idempotency_keys')
          .select(['shop_id', 'livemode', 'idem_key'])
          .where('created_at', '<', before)
          .limit(limit)
          .$asTuple('shop_id', 'livemode', 'idem_key'),
      ),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** A 5xx is not stored: the key is freed so that a retry runs again. */
export async function releaseKey(db: Db, scope: Scope): Promise<void> {
  await whereScope(db.deleteFrom('idempotency_keys'), scope).where('state', '=', 'in_progress').execute()
}

export function sendReplay(reply: FastifyReply, replay: Replay, requestId: string): FastifyReply {
  let body = replay.body
  // A replayed problem keeps its content but names this request, so trace_id still equals X-Request-Id.
  if (replay.contentType.startsWith('application/problem+json'))
    body = JSON.stringify({ ...JSON.parse(body), trace_id: requestId })
  return reply.code(replay.status).header('idempotent-replayed', 'true').type(replay.contentType).send(body)
}

// Kysely's builders share `where` but not a common generic type; this keeps the scope filter in one place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- `any`: each builder's own overloads apply
function whereScope<QB extends { where: (...args: any[]) => any }>(qb: QB, scope: Scope): QB {
  return qb.where('shop_id', '=', scope.shopId).where('livemode', '=', scope.livemode).where('idem_key', '=', scope.key)
}

/** RFC 8785-style canonical JSON for fingerprints: object keys sorted, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
