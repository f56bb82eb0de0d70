// The sender's rows: nonces per signing address, and each signed transaction with its state.
import { sql, type Insertable, type Updateable } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import type { ChainTransactionRow, ChainTransactionsTable } from './treasury.table.ts'

/**
 * Takes the next nonce of `address` on `chain`: never below what the chain has counted (`onChain`,
 * its pending transaction count: something else may have spent from the address), never one handed
 * out before (one UPDATE … RETURNING, serialised by the row's lock until the caller commits).
 */
export async function takeNonce(trx: DbOrTrx, chain: string, address: string, onChain: number): Promise<number> {
  await trx
    .insertInto('chain_nonces')
    .values({ chain, address, next_nonce: onChain })
    .onConflict((oc) => oc.columns(['chain', 'address']).doNothing())
    .execute()
  const row = await trx
    .updateTable('chain_nonces')
    .set({ next_nonce: sql<number>`(case when next_nonce < ${onChain} then ${onChain} else next_nonce end) + 1` })
    .where('chain', '=', chain)
    .where('address', '=', address)
    .returning('next_nonce')
    .executeTakeFirstOrThrow()
  return Number(row.next_nonce) - 1
}

export async function insertTransaction(trx: DbOrTrx, row: Insertable<ChainTransactionsTable>): Promise<void> {
  await trx.insertInto('chain_transactions').values(row).execute()
}

export function findByReference(db: DbOrTrx, reference: string): Promise<ChainTransactionRow | undefined> {
  return db.selectFrom('chain_transactions').selectAll().where('reference', '=', reference).executeTakeFirst()
}

/** Transactions not yet confirmed or failed on `chain` (signed or broadcast), oldest first. */
export function openTransactions(db: DbOrTrx, chain: string): Promise<ChainTransactionRow[]> {
  return db
    .selectFrom('chain_transactions')
    .selectAll()
    .where('chain', '=', chain)
    .where('status', 'in', ['signed', 'broadcast'])
    .orderBy('id')
    .execute()
}

/** Changes the row only while it is in one of `from`; answers whether it did. */
export async function transition(
  db: DbOrTrx,
  id: string,
  from: string[],
  patch: Updateable<ChainTransactionsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('chain_transactions')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Puts replacement bytes in place of `txHash`'s, only while those are the current, broadcast ones. */
export async function replaceAttempt(
  db: DbOrTrx,
  id: string,
  txHash: string,
  next: Updateable<ChainTransactionsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('chain_transactions')
    .set(next)
    .where('id', '=', id)
    .where('tx_hash', '=', txHash)
    .where('status', '=', 'broadcast')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function countBroadcast(db: DbOrTrx, id: string, now: number): Promise<void> {
  await db
    .updateTable('chain_transactions')
    .set({ broadcasts: sql<number>`broadcasts + 1`, updated_at: now })
    .where('id', '=', id)
    .execute()
}
