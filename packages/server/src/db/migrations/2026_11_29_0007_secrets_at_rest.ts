// Frozen: never edit a migration that has shipped; add a new one.
// Secrets and goods at rest: everything sx stored in clear that a copied database must not reveal
// is sealed (AES-256-GCM under SX_SECRET) and pool items are keyed by an HMAC instead of a plain
// SHA-256: pool items, delivered goods on order lines, event payloads (orders carry their goods),
// mail bodies (delivery mails carry them too) and stored idempotent answers, from which the secrets
// shown once (API key, signing secrets) are removed; their fingerprints (a plain SHA-256 of the
// request, which for a one-item stock import would confirm a guessed item) become keyed. Plus the
// indexes the retention job deletes by.
//
// Sealing needs the master key, which a migration cannot import: the caller hands in `seal` and
// `digest` (the secret box), so this file stays free of app code.
import { sql, type Kysely, type Migration } from 'kysely'

export type AtRest = { seal(plain: string): string; digest(plain: string): string }

const BATCH = 500

/** What an answer looked like before: these fields held secrets that are shown only once. */
const SHOWN_ONCE = ['secret', 'signing_secret']

export function secretsAtRest(atRest: AtRest): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      const { seal, digest } = atRest
      await rewrite(db, 'stock_items', [{ name: 'id' }], (row) => ({ value: seal(row.value), value_hash: digest(row.value) }), ['value'])
      await rewrite(db, 'order_lines', [{ name: 'order_id' }, { name: 'line', integer: true }],
        (row) => (row.delivered === null ? null : { delivered: seal(row.delivered) }), ['delivered'])
      await rewrite(db, 'events', [{ name: 'id' }], (row) => ({ data: seal(row.data) }), ['data'])
      await rewrite(db, 'mails', [{ name: 'id' }],
        (row) => ({ body_text: seal(row.body_text), body_html: row.body_html === null ? null : seal(row.body_html) }), ['body_text', 'body_html'])
      // Fingerprints become keyed too (HMAC of the old SHA-256, as the app now computes them), so
      // replays of requests made before the upgrade still match.
      await rewrite(db, 'idempotency_keys', [{ name: 'shop_id' }, { name: 'livemode', integer: true }, { name: 'idem_key' }],
        (row) => ({ fingerprint: digest(row.fingerprint), response_body: row.response_body === null ? null : seal(withoutSecrets(row.response_body)) }),
        ['fingerprint', 'response_body'])

      // The retention job deletes old rows by age, a bounded batch at a time.
      await db.schema.createIndex('events_by_age').on('events').column('created_at').execute()
      await db.schema.createIndex('webhook_deliveries_by_age').on('webhook_deliveries').column('created_at').execute()
      await db.schema.createIndex('webhook_queue_by_age').on('webhook_queue').column('created_at').execute()
    },
  }
}

/** A stored answer with its shown-once secrets removed and `secret_omitted: true` in their place. */
function withoutSecrets(body: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return body
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return body
  const object = parsed as Record<string, unknown>
  const present = SHOWN_ONCE.filter((field) => typeof object[field] === 'string')
  if (present.length === 0) return body
  for (const field of present) delete object[field]
  return JSON.stringify({ ...object, secret_omitted: true })
}

type Key = { name: string; integer?: boolean }

/**
 * Walks `table` in key order, a batch at a time, and writes back what `change` makes of each row
 * (null: leave it). One UPDATE … FROM (VALUES …) per batch works on both dialects: VALUES columns
 * are `column1`, `column2`, … in SQLite and PostgreSQL alike, and arrive as text (hence the casts).
 */
async function rewrite(
  db: Kysely<any>,
  table: string,
  keys: Key[],
  change: (row: Record<string, any>) => Record<string, string | null> | null,
  columns: string[],
): Promise<void> {
  const keyNames = keys.map((key) => key.name)
  let after: unknown[] | null = null
  for (;;) {
    let query = db.selectFrom(table).select([...keyNames, ...columns])
    if (after !== null) query = query.where(sql<boolean>`(${sql.join(keyNames.map((name) => sql.ref(name)))}) > (${sql.join(after)})`)
    for (const name of keyNames) query = query.orderBy(name)
    const rows: Record<string, any>[] = await query.limit(BATCH).execute()
    if (rows.length === 0) return
    after = keyNames.map((name) => rows.at(-1)![name])
    const changes = rows.flatMap((row) => {
      const changed = change(row)
      return changed === null ? [] : [{ keyValues: keyNames.map((name) => row[name]), changed }]
    })
    if (changes.length === 0) continue
    const setColumns = Object.keys(changes[0]!.changed)
    const values = changes.map(({ keyValues, changed }) =>
      sql`(${sql.join([...keyValues.map((v) => String(v)), ...setColumns.map((column) => changed[column] ?? null)])})`)
    const valueColumn = (index: number) => sql.ref(`v.column${index + 1}`)
    const matches = keys.map((key, index) =>
      key.integer ? sql`${sql.ref(`${table}.${key.name}`)} = cast(${valueColumn(index)} as integer)` : sql`${sql.ref(`${table}.${key.name}`)} = ${valueColumn(index)}`)
    const assignments = setColumns.map((column, index) => sql`${sql.ref(column)} = ${valueColumn(keys.length + index)}`)
    await sql`update ${sql.table(table)} set ${sql.join(assignments)} from (values ${sql.join(values)}) as v where ${sql.join(matches, sql` and `)}`.execute(db)
  }
}
