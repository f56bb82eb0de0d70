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
