// The watcher's tables: cursors, watched deposit addresses and the payments seen on chain.
import type { Insertable, Selectable } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import type { ChainPaymentsTable, WatchAddressesTable } from './watcher.table.ts'

export type WatchedAddress = Selectable<WatchAddressesTable>
export type ChainPayment = Selectable<ChainPaymentsTable>

export async function insertWatchAddress(db: DbOrTrx, row: Insertable<WatchAddressesTable>): Promise<void> {
  await db.insertInto('watch_addresses').values(row).execute()
}

export async function findCursor(db: DbOrTrx, chain: string): Promise<{ next: number; head: number } | undefined> {
  const row = await db
    .selectFrom('watch_cursors')
    .select(['next_block', 'head'])
    .where('chain', '=', chain)
    .executeTakeFirst()
  return row && { next: Number(row.next_block), head: Number(row.head) }
}

export async function saveCursor(db: DbOrTrx, chain: string, next: number, head: number, now: number): Promise<void> {
  await db
    .insertInto('watch_cursors')
    .values({ chain, next_block: next, head, updated_at: now })
    .onConflict((oc) => oc.column('chain').doUpdateSet({ next_block: next, head, updated_at: now }))
    .execute()
}

/** The watched addresses among `addresses` (lower case): one query per scanned range, whatever the number of invoices. */
export async function findWatched(db: DbOrTrx, chain: string, addresses: string[]): Promise<WatchedAddress[]> {
  if (addresses.length === 0) return []
  const found: WatchedAddress[] = []
  for (let i = 0; i < addresses.length; i += 500) {
    found.push(
      ...(await db
        .selectFrom('watch_addresses')
        .selectAll()
        .where('chain', '=', chain)
        .where('address', 'in', addresses.slice(i, i + 500))
        .execute()),
    )
  }
  return found
}

/** Whether any invoice on the chain is paid in its native coin (only then are blocks' transactions read). */
export async function hasNativeWatches(db: DbOrTrx, chain: string): Promise<boolean> {
  const row = await db
    .selectFrom('watch_addresses')
    .select('address')
    .where('chain', '=', chain)
    .where('token', 'is', null)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Records a transfer seen in a block. Seen again (a re-scan): a payment not counted yet takes the
 * block it is in now (a reorg may have moved it) and is `seen` again if it had been dropped.
 */
export async function upsertSeen(db: DbOrTrx, row: Insertable<ChainPaymentsTable>): Promise<void> {
  await db
    .insertInto('chain_payments')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['chain', 'tx_hash', 'log_index'])
        .doUpdateSet({ block_number: row.block_number, block_hash: row.block_hash, state: 'seen' })
        .where('chain_payments.state', '!=', 'counted'),
    )
    .execute()
}

export function listSeen(db: DbOrTrx, chain: string): Promise<ChainPayment[]> {
  return db
    .selectFrom('chain_payments')
    .selectAll()
    .where('chain', '=', chain)
    .where('state', '=', 'seen')
    .orderBy('block_number')
    .orderBy('log_index')
    .execute()
}

type Key = { chain: string; tx_hash: string; log_index: number }

/** Moves a `seen` payment on; false when another worker (or an earlier run) moved it first. */
export async function moveSeen(
  db: DbOrTrx,
  key: Key,
  patch: { state: 'counted' | 'dropped' | 'seen'; confirmations: number; counted_at?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('chain_payments')
    .set(patch)
    .where('chain', '=', key.chain)
    .where('tx_hash', '=', key.tx_hash)
    .where('log_index', '=', key.log_index)
    .where('state', '=', 'seen')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Who sent an order's first counted payment (lower case), or null: the default refund address. */
export async function payerOf(db: DbOrTrx, orderId: string): Promise<string | null> {
  const row = await db
    .selectFrom('chain_payments')
    .select('from_address')
    .where('order_id', '=', orderId)
    .where('state', '=', 'counted')
    .orderBy('block_number')
    .orderBy('log_index')
    .executeTakeFirst()
  return row?.from_address ?? null
}

/** Deposit addresses with counted money on a chain (what sweeping moves to the treasury), with their wallet index. */
export function fundedDeposits(
  db: DbOrTrx,
  chain: string,
): Promise<{ address: string; address_index: number; token: string | null; order_id: string }[]> {
  return db
    .selectFrom('watch_addresses')
    .select(['address', 'address_index', 'token', 'order_id'])
    .where('chain', '=', chain)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('chain_payments')
          .select('chain_payments.order_id')
          .whereRef('chain_payments.chain', '=', 'watch_addresses.chain')
          .whereRef('chain_payments.address', '=', 'watch_addresses.address')
          .where('chain_payments.state', '=', 'counted'),
      ),
    )
    .orderBy('address_index')
    .execute()
}

/** An order's payments on chain, oldest first (the buyer's page shows those still confirming). */
export function paymentsOfOrder(db: DbOrTrx, orderId: string): Promise<ChainPayment[]> {
  return db
    .selectFrom('chain_payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('block_number')
    .orderBy('log_index')
    .execute()
}
