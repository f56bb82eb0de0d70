// The public storefront (issue 15): each shop gets a slug for its pages (`/s/<slug>`), existing shops
// one derived from their name here; the shop's public mode, custom domain, accepted payment methods
// per mode and a settings version (cached shop pages name it); a product's image.
import type { Kysely } from 'kysely'

const SHOP_COLUMNS = ['slug', 'custom_domain', 'payment_methods_test', 'payment_methods_live'] as const

/** Frozen copy of the slug rule at the time of this migration: a-z0-9 and single dashes, 3–40 characters. */
function shopSlug(name: string, taken: Set<string>): string {
  let base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 34)
    .replace(/-+$/, '')
  if (base.length < 3) base = base ? `${base}-shop` : 'shop'
  let slug = base
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`
  taken.add(slug)
  return slug
}

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const column of SHOP_COLUMNS) await db.schema.alterTable('shops').addColumn(column, 'text').execute()
  await db.schema
    .alterTable('shops')
    .addColumn('storefront_mode', 'text', (c) => c.notNull().defaultTo('test'))
    .execute()
  await db.schema
    .alterTable('shops')
    .addColumn('settings_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  const shops = await db.selectFrom('shops').select(['id', 'name']).orderBy('created_at').orderBy('id').execute()
  const taken = new Set<string>()
  for (const shop of shops)
    await db
      .updateTable('shops')
      .set({ slug: shopSlug(String(shop.name), taken) })
      .where('id', '=', shop.id)
      .execute()
  await db.schema.createIndex('shops_slug_unique').on('shops').column('slug').unique().execute()
  await db.schema.createIndex('shops_custom_domain_unique').on('shops').column('custom_domain').unique().execute()
  for (const column of ['image_sha256', 'image_type'])
    await db.schema.alterTable('products').addColumn(column, 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['image_sha256', 'image_type']) await db.schema.alterTable('products').dropColumn(column).execute()
  await db.schema.dropIndex('shops_custom_domain_unique').execute()
  await db.schema.dropIndex('shops_slug_unique').execute()
  for (const column of [...SHOP_COLUMNS, 'storefront_mode', 'settings_version'])
    await db.schema.alterTable('shops').dropColumn(column).execute()
}
