// Owner sign-in for the dashboard: server-side sessions (only a hash of the cookie's token is
// stored, so a copy of the database signs no one in) and single-use password-reset tokens.
import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumn(db)
  await db.schema
    .createTable('owner_sessions')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull().references('shops.id'))
    .addColumn('owner_id', id, (c) => c.notNull().references('owners.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute()
  await db.schema.createIndex('owner_sessions_by_owner').on('owner_sessions').column('owner_id').execute()
  await db.schema
    .createTable('password_resets')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('owner_id', id, (c) => c.notNull().references('owners.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('password_resets').execute()
  await db.schema.dropTable('owner_sessions').execute()
}
