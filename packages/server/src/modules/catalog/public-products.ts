// What the buyer's pages read of the catalog (its door for them): a shop's active products of one
// mode, as the API shows them (drafts and archived products are never among them), for the shop
// pages and the checkout form, and the images of an order's products.
import type { DbOrTrx } from '../../db/database.ts'
import type { Product } from './catalog.schemas.ts'
import { toProduct } from './catalog.mappers.ts'
import { findActiveProducts, findActiveProductsByIds, findImages, findProductScope } from './catalog.repository.ts'
import { productImageUrl } from './images.ts'

type Scope = { shopId: string; livemode: boolean }

export async function listActiveProducts(db: DbOrTrx, scope: Scope, publicUrl: string): Promise<Product[]> {
  return (await findActiveProducts(db, scope)).map((row) => toProduct(row, publicUrl))
}

export async function findActiveProduct(
  db: DbOrTrx,
  scope: Scope,
  slug: string,
  publicUrl: string,
): Promise<Product | null> {
  const [row] = await findActiveProducts(db, scope, slug)
  return row ? toProduct(row, publicUrl) : null
}

/** The image URL of each of these products that has one (the order page shows them by its lines). */
export async function findProductImageUrls(
  db: DbOrTrx,
  ids: string[],
  publicUrl: string,
): Promise<Map<string, string>> {
  const urls = new Map<string, string>()
  for (const row of await findImages(db, ids)) {
    const url = productImageUrl(publicUrl, row)
    if (url) urls.set(row.id, url)
  }
  return urls
}

/** The shop and mode of an active product, by id (the buy button names a product only), or null. */
export async function findActiveProductScope(db: DbOrTrx, productId: string): Promise<Scope | null> {
  const row = await findProductScope(db, productId)
  return row && row.status === 'active' ? { shopId: row.shop_id, livemode: row.livemode === 1 } : null
}

/** Active products of this shop and mode among `ids` (others are left out). */
export async function listActiveProductsById(
  db: DbOrTrx,
  scope: Scope,
  ids: string[],
  publicUrl: string,
): Promise<Product[]> {
  return (await findActiveProductsByIds(db, scope, ids)).map((row) => toProduct(row, publicUrl))
}
