// Shops and their owners. `sx init` and the first start's demo seed create them; the API does not.
import type { Db } from '../../db/database.ts'
import { hashPassword, randomBase62 } from '../../platform/crypto.ts'
import { ABILITIES } from '../../platform/http/auth.ts'
import { newId } from '../../platform/ids.ts'
import { mintApiKey } from '../keys/index.ts'
import { nextFreeSlug } from '../catalog/index.ts'
import { shopSlugBase } from './shop-slug.ts'

export type InitResult = {
  shop: { id: string; name: string; slug: string }
  owner: { id: string; email: string; password: string; generated_password: boolean }
  keys: { live: string; test: string }
}

export class ShopInitError extends Error {}

/** Creates a shop, its owner, and a live and a test key holding all nine abilities. */
export async function initShop(
  db: Db,
  input: { name: string; email: string; password?: string; now: number },
): Promise<InitResult> {
  const name = input.name.trim()
  const email = input.email.trim().toLowerCase()
  if (!name) throw new ShopInitError('--shop must not be blank')
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new ShopInitError('--email must be an email address')
  if (input.password !== undefined && input.password.length < 8)
    throw new ShopInitError('--password must be at least 8 characters')
  const password = input.password ?? randomBase62(16)
  const passwordHash = await hashPassword(password)

  return db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('owners').select('id').where('email', '=', email).executeTakeFirst()) {
      throw new ShopInitError(`an owner with the email ${email} exists already`)
    }
    const shopId = newId('shop')
    const ownerId = newId('owner')
    const base = shopSlugBase(name)
    const taken = await trx.selectFrom('shops').select('slug').where('slug', 'like', `${base}%`).execute()
    const slug = nextFreeSlug(
      base,
      taken.map((row) => row.slug),
    )
    await trx
      .insertInto('shops')
      .values({
        id: shopId,
        name,
        slug,
        support_email: null,
        logo_url: null,
        brand_color: null,
        storefront_mode: 'test',
        custom_domain: null,
        payment_methods_test: null,
        payment_methods_live: null,
        settings_version: 0,
        created_at: input.now,
      })
      .execute()
    await trx
      .insertInto('owners')
      .values({ id: ownerId, shop_id: shopId, email, password_hash: passwordHash, created_at: input.now })
      .execute()
    const mint = (livemode: boolean) =>
      mintApiKey(trx, {
        shopId,
        livemode,
        name: `${livemode ? 'Live' : 'Test'} key (sx init)`,
        abilities: ABILITIES,
        now: input.now,
      })
    const live = await mint(true)
    const test = await mint(false)
    return {
      shop: { id: shopId, name, slug },
      owner: { id: ownerId, email, password, generated_password: input.password === undefined },
      keys: { live: live.secret, test: test.secret },
    }
  })
}

export async function hasAnyShop(db: Db): Promise<boolean> {
  return (await db.selectFrom('shops').select('id').limit(1).executeTakeFirst()) !== undefined
}
