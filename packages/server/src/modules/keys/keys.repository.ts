import type { Insertable } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
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

export function listActiveApiKeys(db: DbOrTrx, scope: Scope, afterId: string | null, limit: number) {
  let query = db
    .selectFrom('api_keys')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('revoked_at', 'is', null)
  if (afterId) query = query.where('id', '<', afterId)
  return query.orderBy('id', 'desc').limit(limit + 1).execute()
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
