// The catalog's version: one row per shop and mode (`catalog_versions`) that read caches compare
// (platform/http/response-cache.ts), so it moves in every transaction that changes what a reader
// of the catalog sees: a product written, or a product's visible stock changed. Selling an item a
// checkout reserved, or a payment, changes nothing a reader sees and leaves it alone.
//
// Every checkout of a shop changes stock, so every checkout would queue on this one row for its
// whole transaction if it took it early. Instead a transaction notes its changes as it goes
// (`noteCatalogChange`) and bumps each changed row once, as the last statement of its work
// (`publishCatalogChanges`, `catalogTransaction`): the row is held only through COMMIT, and a
// transaction holding it waits on no other lock, so it can be in no deadlock (the locks before it
// are taken in product-id order, see orders/checkout.service.ts and orders/order-state.ts).
import { expressionBuilder, type Transaction } from 'kysely'
import type { Database, Db, DbOrTrx } from '../../db/database.ts'
import type { Transact } from '../../platform/context.ts'
import type { VersionOfKeyScope } from '../../platform/http/response-cache.ts'

type Scope = { shopId: string; livemode: boolean }

/** The shops (and modes) each open transaction changed, bumped at its end. */
const noted = new WeakMap<Transaction<Database>, Map<string, Scope>>()

/**
 * This write changed what readers of the shop's catalog see. In a transaction the version moves at
 * its end, once; the transaction must run its work through `publishCatalogChanges` (a write in one
 * that does not fails here, rather than leave cached reads stale for ever). Outside a transaction
 * the single statement bumps it at once.
 */
export async function noteCatalogChange(db: DbOrTrx, scope: Scope): Promise<void> {
  if (!db.isTransaction) return bumpCatalogVersion(db, scope)
  const changes = noted.get(db as Transaction<Database>)
  if (!changes)
    throw new Error('a catalog write in a transaction that does not publish it: run the work in publishCatalogChanges')
  changes.set(`${scope.shopId}:${scope.livemode ? 1 : 0}`, scope)
}

/**
 * The given way to commit (a request's `transact`, a plain transaction), publishing the catalog
 * changes its work notes: after the work, each changed shop's version moves once, as its last statements.
 * @example publishCatalogChanges(ctx.transact)(async (trx) => { … })
 */
export function publishCatalogChanges(transact: Transact): Transact {
  return (work) =>
    transact(async (trx) => {
      // Nested: the outer one publishes.
      if (noted.has(trx)) return work(trx)
      const changes = new Map<string, Scope>()
      noted.set(trx, changes)
      try {
        const value = await work(trx)
        // Sorted, so two transactions changing the same shops take their rows in one order.
        for (const key of [...changes.keys()].sort()) await bumpCatalogVersion(trx, changes.get(key)!)
        return value
      } finally {
        noted.delete(trx)
      }
    })
}

/** A transaction of its own that publishes its catalog changes at its end (jobs, the demo seed). */
export function catalogTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return publishCatalogChanges((inner) => db.transaction().execute(inner))(work)
}

async function bumpCatalogVersion(db: DbOrTrx, scope: Scope): Promise<void> {
  await db
    .insertInto('catalog_versions')
    .values({ shop_id: scope.shopId, livemode: scope.livemode ? 1 : 0, version: 1 })
    .onConflict((oc) =>
      oc.columns(['shop_id', 'livemode']).doUpdateSet((eb) => ({ version: eb('catalog_versions.version', '+', 1) })),
    )
    .execute()
}

/**
 * The catalog's version for a key's shop and mode, read in the key lookup's statement (null before
 * the first write, read as 0): the cached list and product routes name it as `versionedBy`.
 */
export const catalogVersionOfKey: VersionOfKeyScope = (key) =>
  expressionBuilder<Database>()
    .selectFrom('catalog_versions')
    .select('version')
    .where((eb) =>
      eb.and([
        eb(eb.ref('catalog_versions.shop_id'), '=', key.shopId),
        eb(eb.ref('catalog_versions.livemode'), '=', key.livemode),
      ]),
    )
    .$asScalar()
