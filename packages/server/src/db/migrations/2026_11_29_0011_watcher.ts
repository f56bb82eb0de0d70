// Frozen: never edit a migration that has shipped; add a new one.
// The chain watcher (modules/watcher): per chain, the cursor (the next block a scan has not passed
// yet), the deposit addresses it watches (each belongs to one live order, with the quote locked on
// the invoice), and every payment it has seen, keyed by (chain, tx, log index) so a re-scan, a
// second worker or a restart after kill -9 cannot count one transfer twice. A native-coin payment
// has log index -1 (one per transaction).
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('watch_cursors')
    .addColumn('chain', 'text', (c) => c.primaryKey())
    .addColumn('next_block', 'bigint', (c) => c.notNull())
    .addColumn('head', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('watch_addresses')
    .addColumn('chain', 'text', (c) => c.notNull())
    // Lower case: logs and blocks give checksummed or lower-case addresses, compared as one.
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    // The token contract (lower case), null for the native coin.
    .addColumn('token', 'text')
    .addColumn('address_index', 'bigint', (c) => c.notNull())
    .addColumn('amount_due', 'text', (c) => c.notNull())
    // JSON {currency, rate, at}: the rate the amount was quoted at, null when 1:1 (a stablecoin for USD).
    .addColumn('quote', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('watch_addresses_pk', ['chain', 'address'])
    .execute()
  await db.schema.createIndex('watch_addresses_order').on('watch_addresses').column('order_id').execute()
  await db.schema
    .createTable('chain_payments')
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('tx_hash', 'text', (c) => c.notNull())
    .addColumn('log_index', 'integer', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    // Who sent it (lower case): where a refund goes when the buyer gave no destination address.
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('block_number', 'bigint', (c) => c.notNull())
    .addColumn('block_hash', 'text', (c) => c.notNull())
    // seen (waiting for confirmations) | counted (applied to the order, final) | dropped (reorged out)
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('confirmations', 'integer', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addColumn('counted_at', 'bigint')
    .addPrimaryKeyConstraint('chain_payments_pk', ['chain', 'tx_hash', 'log_index'])
    .execute()
  await db.schema.createIndex('chain_payments_state').on('chain_payments').columns(['chain', 'state']).execute()
  await db.schema.createIndex('chain_payments_order').on('chain_payments').column('order_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chain_payments').execute()
  await db.schema.dropTable('watch_addresses').execute()
  await db.schema.dropTable('watch_cursors').execute()
}
