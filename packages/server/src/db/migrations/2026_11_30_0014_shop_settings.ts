// Shop settings the merchant edits (PATCH /v1/shop): what the checkout page and the order emails show.
import type { Kysely } from 'kysely'

const COLUMNS = ['support_email', 'logo_url', 'brand_color'] as const

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const column of COLUMNS) await db.schema.alterTable('shops').addColumn(column, 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('shops').dropColumn(column).execute()
}
