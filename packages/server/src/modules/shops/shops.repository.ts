// Reads other modules make of shops and owners (the shops module's door to its tables).
import type { DbOrTrx } from '../../db/database.ts'

/** The shop's display name (the buyer's pages and mails), or undefined. */
export async function findShopName(db: DbOrTrx, shopId: string): Promise<string | undefined> {
  return (await db.selectFrom('shops').select('name').where('id', '=', shopId).executeTakeFirst())?.name
}

/** The shop's first owner's email (notices to the merchant), or undefined. */
export async function findFirstOwnerEmail(db: DbOrTrx, shopId: string): Promise<string | undefined> {
  return (
    await db.selectFrom('owners').select('email').where('shop_id', '=', shopId).orderBy('created_at').executeTakeFirst()
  )?.email
}

/** The owner signing in with `email` (stored lower-case), with the shop's name, or undefined. */
export function findOwnerByEmail(db: DbOrTrx, email: string) {
  return db
    .selectFrom('owners')
    .innerJoin('shops', 'shops.id', 'owners.shop_id')
    .select(['owners.id', 'owners.shop_id', 'owners.email', 'owners.password_hash', 'shops.name as shop_name'])
    .where('owners.email', '=', email.trim().toLowerCase())
    .executeTakeFirst()
}

/** The owner `ownerId`, with the shop's name, or undefined. */
export function findOwnerById(db: DbOrTrx, ownerId: string) {
  return db
    .selectFrom('owners')
    .innerJoin('shops', 'shops.id', 'owners.shop_id')
    .select(['owners.id', 'owners.shop_id', 'owners.email', 'owners.password_hash', 'shops.name as shop_name'])
    .where('owners.id', '=', ownerId)
    .executeTakeFirst()
}

export async function setOwnerPasswordHash(db: DbOrTrx, ownerId: string, passwordHash: string): Promise<void> {
  await db.updateTable('owners').set({ password_hash: passwordHash }).where('id', '=', ownerId).execute()
}
