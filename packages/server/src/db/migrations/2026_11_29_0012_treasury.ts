// Frozen: never edit a migration that has shipped; add a new one.
// The treasury's sender (modules/treasury): the next nonce of each signing address per chain, and
// every transaction sx signs (payouts, refunds, sweeps, gas top-ups), recorded with its signed bytes
// BEFORE it is broadcast, so a crash or a dropped transaction is sent again as the same bytes and a
// transfer never gets a second nonce (research/crypto.md §6.2, never paying twice).
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chain_nonces')
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('next_nonce', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chain_nonces_pk', ['chain', 'address'])
    .execute()
  await db.schema
    .createTable('chain_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The payout or refund id, or the sweep's own id: one transaction per reference, ever.
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('from_index', 'bigint', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('nonce', 'bigint', (c) => c.notNull())
    .addColumn('raw_tx', 'text', (c) => c.notNull())
    .addColumn('tx_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('block_number', 'bigint')
    .addColumn('broadcasts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('chain_transactions_nonce', ['chain', 'from_address', 'nonce'])
    .execute()
  await db.schema
    .createIndex('chain_transactions_open')
    .on('chain_transactions')
    .columns(['chain', 'status'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chain_transactions').execute()
  await db.schema.dropTable('chain_nonces').execute()
}
