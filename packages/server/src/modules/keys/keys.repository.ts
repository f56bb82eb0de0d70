import { sql, type Insertable } from 'kysely'
import type { Db, DbOrTrx, Dialect } from '../../db/database.ts'
import { preparedQuery } from '../../db/prepared.ts'
import type { Ability, KeyLookup, KeyMatch } from '../../platform/http/auth.ts'
import type { VersionOfKeyScope } from '../../platform/http/response-cache.ts'
import type { ApiKeysTable } from './keys.table.ts'

type Scope = { shopId: string; livemode: boolean }

export async function insertApiKey(db: DbOrTrx, row: Insertable<ApiKeysTable>): Promise<void> {
  await db.insertInto('api_keys').values(row).execute()
}

export function findActiveApiKey(db: DbOrTrx, scope: Scope, id: string) {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
}

/**
 * Active keys of a shop and mode, counted so that concurrent mints cannot both take the last slot:
 * on PostgreSQL the active rows are locked first (the caller's own key is one of them, so there is
 * always a row to queue on), and the count, a statement of its own, sees what the winner inserted.
 * SQLite transactions take the write lock up front.
 */
export async function countActiveApiKeysLocked(trx: DbOrTrx, dialect: Dialect, scope: Scope): Promise<number> {
  const active = () =>
    trx
      .selectFrom('api_keys')
      .where('shop_id', '=', scope.shopId)
      .where('livemode', '=', scope.livemode ? 1 : 0)
      .where('revoked_at', 'is', null)
  if (dialect === 'postgres') await active().select('id').forUpdate().execute()
  const row = await active()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function listActiveApiKeys(db: DbOrTrx, scope: Scope, afterId: string | null, limit: number) {
  let query = db
    .selectFrom('api_keys')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('revoked_at', 'is', null)
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

/** Revokes at most once; returns whether this call did it. */
export async function revokeApiKey(db: DbOrTrx, scope: Scope, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

// Runs on every authenticated request, so it is compiled once (one statement per `versionOf`, a
// route's version read alongside in the same snapshot). Revocation holds at once: no cache.
function keyLookupStatement(versionOf: VersionOfKeyScope | undefined) {
  return preparedQuery((db) => {
    const key = db
      .selectFrom('api_keys')
      .select(['id', 'shop_id', 'livemode', 'abilities'])
      .where('secret_hash', '=', '?')
      .where('revoked_at', 'is', null)
    if (!versionOf) return key.select(sql<number | null>`null`.as('version'))
    return key.select((eb) =>
      eb.fn
        .coalesce(versionOf({ shopId: eb.ref('api_keys.shop_id'), livemode: eb.ref('api_keys.livemode') }), eb.lit(0))
        .$castTo<number | null>()
        .as('version'),
    )
  })
}

/**
 * Platform's `KeyLookup` port over this database: the composition root passes it to the request
 * pipeline. On PostgreSQL, requests with the same key that arrive while a lookup still waits for a
 * pool connection join it: its statement is sent after they arrived, so it sees any revocation they
 * could know of; once sent, later requests start their own. SQLite's one in-process connection
 * answers a lookup in ~15 µs, less than holding the connection to know when it was sent would add.
 */
export function createKeyLookup(db: Db, dialect: Dialect): KeyLookup {
  const statements = new Map<VersionOfKeyScope | undefined, ReturnType<typeof keyLookupStatement>>()
  const statementFor = (versionOf: VersionOfKeyScope | undefined) => {
    let statement = statements.get(versionOf)
    if (!statement) statements.set(versionOf, (statement = keyLookupStatement(versionOf)))
    return statement
  }
  if (dialect === 'sqlite')
    return async (secretHash, versionOf) => toKeyMatch((await statementFor(versionOf)(db, [secretHash]))[0])

  const waiting = new Map<VersionOfKeyScope | undefined, Map<string, Promise<KeyMatch | null>>>()
  return (secretHash, versionOf) => {
    let queue = waiting.get(versionOf)
    if (!queue) waiting.set(versionOf, (queue = new Map()))
    const joined = queue.get(secretHash)
    if (joined) return joined
    const leave = () => {
      if (queue.get(secretHash) === lookup) queue.delete(secretHash)
    }
    const lookup = statementFor(versionOf)(db, [secretHash], { onConnection: leave }).then(([row]) => toKeyMatch(row))
    queue.set(secretHash, lookup)
    lookup.then(leave, leave)
    return lookup
  }
}

function toKeyMatch(
  row: { id: string; shop_id: string; livemode: number; abilities: string; version: number | null } | undefined,
): KeyMatch | null {
  if (!row) return null
  const auth = {
    actor: { type: 'api_key' as const, id: row.id },
    shopId: row.shop_id,
    livemode: row.livemode === 1,
    abilities: new Set(JSON.parse(row.abilities) as Ability[]),
  }
  return { auth, version: row.version === null ? null : Number(row.version) }
}
