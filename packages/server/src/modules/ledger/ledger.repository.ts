// Ledger rows. Entries are only ever inserted; balances are sums over them.
import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import { newId } from '../../platform/ids.ts'

type Scope = { shopId: string; livemode: boolean }
export type Bucket = 'available' | 'pending'
export type NewEntry = {
  currency: string
  bucket: Bucket
  kind: string
  sourceId: string
  amountCents: number
  at: number
}

/** Records that the shop holds this currency (first money in), so balances can list it. */
export async function ensureAccount(db: DbOrTrx, scope: Scope, currency: string, at: number): Promise<void> {
  await db
    .insertInto('ledger_accounts')
    .values({ shop_id: scope.shopId, livemode: scope.livemode ? 1 : 0, currency, created_at: at })
    .onConflict((oc) => oc.columns(['shop_id', 'livemode', 'currency']).doNothing())
    .execute()
}

/**
 * Takes the account's row lock (a no-op write) so that debits of one account check and spend the
 * balance one after the other on PostgreSQL, as they already do under SQLite's write lock.
 */
export async function lockAccount(db: DbOrTrx, scope: Scope, currency: string, at: number): Promise<void> {
  await ensureAccount(db, scope, currency, at)
  await db
    .updateTable('ledger_accounts')
    .set((eb) => ({ created_at: eb.ref('created_at') }))
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('currency', '=', currency)
    .execute()
}

export async function insertEntries(db: DbOrTrx, scope: Scope, entries: NewEntry[]): Promise<void> {
  await db
    .insertInto('ledger_entries')
    .values(
      entries.map((e) => ({
        id: newId('ledgerEntry'),
        shop_id: scope.shopId,
        livemode: scope.livemode ? 1 : 0,
        currency: e.currency,
        bucket: e.bucket,
        kind: e.kind,
        source_id: e.sourceId,
        amount_cents: e.amountCents,
        created_at: e.at,
      })),
    )
    .execute()
}

/** Every currency the shop holds in this mode, oldest account first. */
export function listAccounts(db: DbOrTrx, scope: Scope): Promise<{ currency: string }[]> {
  return db
    .selectFrom('ledger_accounts')
    .select('currency')
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .orderBy('created_at')
    .orderBy('currency')
    .execute()
}

/** Sum per currency and bucket (PostgreSQL sums bigint as numeric, hence the cast). */
export async function sumBuckets(
  db: DbOrTrx,
  scope: Scope,
  currency?: string,
): Promise<{ currency: string; bucket: string; cents: number }[]> {
  let query = db
    .selectFrom('ledger_entries')
    .select(['currency', 'bucket', sql<string>`sum(amount_cents)`.as('cents')])
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
  if (currency !== undefined) query = query.where('currency', '=', currency)
  const rows = await query.groupBy(['currency', 'bucket']).execute()
  return rows.map((row) => ({ currency: row.currency, bucket: row.bucket, cents: Number(row.cents) }))
}
