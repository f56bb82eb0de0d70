// Frozen: never edit a migration that has shipped; add a new one.
// The operator's wallet (modules/wallet): the phrase `sx wallet init` created, sealed with the master
// key (never in clear), and the counter deposit addresses are taken from, per chain family, so an
// index is handed out once, ever, and the phrase alone recovers every address (index 0 is the
// treasury; deposits start at 1). Each address handed out is recorded with its index.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // One row at most: the id is the constant 'operator'.
  await db.schema
    .createTable('wallet')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sealed_phrase', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('wallet_counters')
    .addColumn('family', 'text', (c) => c.primaryKey())
    .addColumn('next_index', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('wallet_addresses')
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('address_index', 'bigint', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('wallet_addresses_pk', ['family', 'address_index'])
    .addUniqueConstraint('wallet_addresses_once', ['family', 'address'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('wallet_addresses').execute()
  await db.schema.dropTable('wallet_counters').execute()
  await db.schema.dropTable('wallet').execute()
}
