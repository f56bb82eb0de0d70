// Products made without a request (the demo shop): the same rows, slug and version bump as the API.
import type { DbOrTrx } from '../../db/database.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { newId } from '../../platform/ids.ts'
import type { ProductType } from './catalog.schemas.ts'
import * as repo from './catalog.repository.ts'
import { slugify } from './slug.ts'
import { sealedStockItem } from './stock.service.ts'
import { recordOpeningStock } from './counters.ts'

export type SeedProduct = {
  name: string
  type: ProductType
  price_cents: number
  stock?: number
  items: string[]
  /** file_download: a file already stored with storeFileBytes. */
  file?: { name: string; sha256: string; size: number }
}

/** Inserts an active USD product with its pool items (sealed, like an import); the slug must be free (a fresh shop). */
export async function seedProduct(
  trx: DbOrTrx,
  box: SecretBox,
  scope: { shopId: string; livemode: boolean },
  product: SeedProduct,
  now: number,
): Promise<string> {
  const id = newId('product')
  const livemode = scope.livemode ? 1 : 0
  await repo.insertProduct(trx, {
    id,
    shop_id: scope.shopId,
    livemode,
    name: product.name,
    slug: slugify(product.name),
    type: product.type,
    price_cents: product.price_cents,
    currency: 'USD',
    description: null,
    status: 'active',
    stock_counter: product.stock ?? null,
    created_at: now,
    updated_at: now,
    archived_at: null,
    dynamic_url: null,
    signing_secret_sealed: null,
    interval: null,
    file_name: product.file?.name ?? null,
    file_size: product.file?.size ?? null,
    file_sha256: product.file?.sha256 ?? null,
    image_sha256: null,
    image_type: null,
  })
  await recordOpeningStock(trx, scope, id, product.stock ?? null, now)
  await repo.insertStockItems(
    trx,
    product.items.map((value) => sealedStockItem(box, scope, id, value, now)),
  )
  return id
}
