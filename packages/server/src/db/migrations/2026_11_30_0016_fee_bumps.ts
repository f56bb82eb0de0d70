// Frozen: never edit a migration that has shipped; add a new one.
// Same-nonce replacement of a transaction the chain does not mine (modules/treasury/sender.ts): when
// the current bytes were signed, and the hashes of the bytes they replaced, any of which may still be
// the one mined.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chain_transactions').addColumn('signed_at', 'bigint').execute()
  await db.schema
    .alterTable('chain_transactions')
    .addColumn('replaced', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chain_transactions').dropColumn('replaced').execute()
  await db.schema.alterTable('chain_transactions').dropColumn('signed_at').execute()
}
