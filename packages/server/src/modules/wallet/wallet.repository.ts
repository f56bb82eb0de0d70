// The wallet's rows: the sealed phrase and the deposit counters. Operator-level, not per shop: one
// wallet serves every shop of the installation (each shop's share is its ledger balance).
import { sql } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'

const OPERATOR = 'operator'

export async function findSealedPhrase(db: DbOrTrx): Promise<{ sealed: string; createdAt: number } | undefined> {
  const row = await db
    .selectFrom('wallet')
    .select(['sealed_phrase', 'created_at'])
    .where('id', '=', OPERATOR)
    .executeTakeFirst()
  return row && { sealed: row.sealed_phrase, createdAt: row.created_at }
}

/** Stores the sealed phrase; throws a unique violation when one is stored already (the caller reports it). */
export async function insertSealedPhrase(db: DbOrTrx, sealed: string, now: number): Promise<void> {
  await db.insertInto('wallet').values({ id: OPERATOR, sealed_phrase: sealed, created_at: now }).execute()
}

/**
 * Takes the family's next deposit index: the counter row is created at 1 (0 is the treasury), then
 * incremented in one UPDATE … RETURNING, which two takers can never both read the same value from
 * (SQLite serialises writers; PostgreSQL locks the row until the increment commits).
 */
export async function takeIndex(trx: DbOrTrx, family: string): Promise<number> {
  await trx
    .insertInto('wallet_counters')
    .values({ family, next_index: 1 })
    .onConflict((oc) => oc.column('family').doNothing())
    .execute()
  const row = await trx
    .updateTable('wallet_counters')
    .set({ next_index: sql<number>`next_index + 1` })
    .where('family', '=', family)
    .returning('next_index')
    .executeTakeFirstOrThrow()
  return Number(row.next_index) - 1
}

export async function insertAddress(
  trx: DbOrTrx,
  row: { family: string; index: number; address: string; now: number },
): Promise<void> {
  await trx
    .insertInto('wallet_addresses')
    .values({ family: row.family, address_index: row.index, address: row.address, created_at: row.now })
    .execute()
}

/** How many deposit addresses each family has handed out. */
export async function countIssued(db: DbOrTrx): Promise<Record<string, number>> {
  const rows = await db.selectFrom('wallet_counters').select(['family', 'next_index']).execute()
  return Object.fromEntries(rows.map((row) => [row.family, Number(row.next_index) - 1]))
}

/** Every deposit address of `family` handed out so far (index ≥ 1), in index order. */
export async function listAddresses(db: DbOrTrx, family: string): Promise<{ index: number; address: string }[]> {
  const rows = await db
    .selectFrom('wallet_addresses')
    .select(['address_index', 'address'])
    .where('family', '=', family)
    .orderBy('address_index')
    .execute()
  return rows.map((row) => ({ index: Number(row.address_index), address: row.address }))
}
