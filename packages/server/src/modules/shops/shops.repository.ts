// Reads other modules make of shops and owners (the shops module's door to its tables).
import { sql } from 'kysely'
import type { Db, DbOrTrx } from '../../db/database.ts'
import { preparedQuery } from '../../db/prepared.ts'
import { catalogVersionOfKey } from '../catalog/index.ts'
import type { ShopsTable } from './shops.table.ts'

/** The settings PATCH /v1/shop writes. */
export type ShopChanges = Partial<
  Pick<
    ShopsTable,
    | 'name'
    | 'support_email'
    | 'logo_url'
    | 'brand_color'
    | 'slug'
    | 'storefront_mode'
    | 'custom_domain'
    | 'payment_methods_test'
    | 'payment_methods_live'
  >
>

/** The shop's first owner's email (notices to the merchant), or undefined. */
export async function findFirstOwnerEmail(db: DbOrTrx, shopId: string): Promise<string | undefined> {
  return (
    await db.selectFrom('owners').select('email').where('shop_id', '=', shopId).orderBy('created_at').executeTakeFirst()
  )?.email
}

/** An owner with what sign-in needs (hash, shop and its name). */
const ownerWithShop = (db: DbOrTrx) =>
  db
    .selectFrom('owners')
    .innerJoin('shops', 'shops.id', 'owners.shop_id')
    .select(['owners.id', 'owners.shop_id', 'owners.email', 'owners.password_hash', 'shops.name as shop_name'])

/** The owner signing in with `email` (stored lower-case), or undefined. */
export function findOwnerByEmail(db: DbOrTrx, email: string) {
  return ownerWithShop(db).where('owners.email', '=', email.trim().toLowerCase()).executeTakeFirst()
}

export function findOwnerById(db: DbOrTrx, ownerId: string) {
  return ownerWithShop(db).where('owners.id', '=', ownerId).executeTakeFirst()
}

export async function setOwnerPasswordHash(db: DbOrTrx, ownerId: string, passwordHash: string): Promise<void> {
  await db.updateTable('owners').set({ password_hash: passwordHash }).where('id', '=', ownerId).execute()
}

export function findShopBySlug(db: DbOrTrx, slug: string) {
  return db.selectFrom('shops').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export function findShop(db: DbOrTrx, shopId: string) {
  return db.selectFrom('shops').selectAll().where('id', '=', shopId).executeTakeFirst()
}

/** Writes the changes and moves the settings version (cached shop pages are keyed by it). */
export async function updateShop(db: DbOrTrx, shopId: string, changes: ShopChanges): Promise<void> {
  await db
    .updateTable('shops')
    .set((eb) => ({ ...changes, settings_version: eb('settings_version', '+', 1) }))
    .where('id', '=', shopId)
    .execute()
}

/** Whether another shop has this slug or custom domain. */
export async function isTakenByAnother(
  db: DbOrTrx,
  column: 'slug' | 'custom_domain',
  value: string,
  shopId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('shops')
    .select('id')
    .where(column, '=', value)
    .where('id', '!=', shopId)
    .executeTakeFirst()
  return row !== undefined
}

/** The shop pages' shop with the version of its public mode's catalog, in one statement. */
const storefrontBy = (column: 'slug' | 'custom_domain') =>
  preparedQuery((db) =>
    db
      .selectFrom('shops')
      .select([
        'id',
        'name',
        'slug',
        'support_email',
        'logo_url',
        'brand_color',
        'storefront_mode',
        'custom_domain',
        'settings_version',
      ])
      .select((eb) =>
        eb.fn
          .coalesce(
            catalogVersionOfKey({
              shopId: eb.ref('shops.id'),
              livemode: eb
                .case()
                .when(eb(eb.ref('shops.storefront_mode'), '=', sql.lit('live')))
                .then(1)
                .else(0)
                .end(),
            }),
            sql.lit(0),
          )
          .as('catalog_version'),
      )
      .where(column, '=', '?'),
  )
const storefrontBySlug = storefrontBy('slug')
const storefrontByDomain = storefrontBy('custom_domain')

/**
 * The shop a public page names (by slug, or by the custom domain in the Host header), with the
 * version of its public mode's catalog: a cached page costs this one read (compiled once).
 */
export async function findStorefront(db: Db, by: { slug: string } | { domain: string }) {
  const [row] = 'slug' in by ? await storefrontBySlug(db, [by.slug]) : await storefrontByDomain(db, [by.domain])
  return row
}

/** What the buyer's page and mails show of the shop. */
export async function findShopBranding(db: DbOrTrx, shopId: string) {
  return db
    .selectFrom('shops')
    .select(['name', 'support_email', 'logo_url', 'brand_color'])
    .where('id', '=', shopId)
    .executeTakeFirst()
}
