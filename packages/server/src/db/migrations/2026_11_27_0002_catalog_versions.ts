// Frozen: never edit a migration that has shipped; add a new one.
import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

/** One counter per shop and mode, bumped by every catalog write; read caches check it. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('catalog_versions')
    .addColumn('shop_id', idColumn(db), (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_versions_pk', ['shop_id', 'livemode'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('catalog_versions').execute()
}
