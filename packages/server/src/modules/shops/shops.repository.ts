// Reads other modules make of shops and owners (the shops module's door to its tables).
import type { DbOrTrx } from '../../db/database.ts'
import type { ShopsTable } from './shops.table.ts'

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

export function findShop(db: DbOrTrx, shopId: string) {
  return db.selectFrom('shops').selectAll().where('id', '=', shopId).executeTakeFirst()
}

export async function updateShop(
  db: DbOrTrx,
  shopId: string,
  changes: Partial<Pick<ShopsTable, 'name' | 'support_email' | 'logo_url' | 'brand_color'>>,
): Promise<void> {
  await db.updateTable('shops').set(changes).where('id', '=', shopId).execute()
}

/** What the buyer's page and mails show of the shop. */
export async function findShopBranding(db: DbOrTrx, shopId: string) {
  return db
    .selectFrom('shops')
    .select(['name', 'support_email', 'logo_url', 'brand_color'])
    .where('id', '=', shopId)
    .executeTakeFirst()
}
