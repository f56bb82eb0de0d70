// What the public shop pages read of the catalog (the catalog's door for them): a shop's active
// products of one mode, as the API shows them. Drafts and archived products are never among them.
import type { DbOrTrx } from '../../db/database.ts'
import type { Product } from './catalog.schemas.ts'
import { toProduct } from './catalog.mappers.ts'
import { findActiveProducts } from './catalog.repository.ts'

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
