import { toIso } from '../../platform/clock.ts'
import { POOL_TYPES, type Product, type ProductStatus, type ProductType } from './catalog.schemas.ts'
import type { ProductWithStockRow } from './catalog.table.ts'
import { productImageUrl } from './images.ts'

/** `publicUrl` makes the image's address absolute. */
export function toProduct(row: ProductWithStockRow, publicUrl: string): Product {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    type: row.type as ProductType,
    price_cents: Number(row.price_cents),
    currency: row.currency,
    description: row.description,
    stock: POOL_TYPES.has(row.type)
      ? Number(row.pool_stock ?? 0)
      : row.stock_counter === null
        ? null
        : Number(row.stock_counter),
    status: row.status as ProductStatus,
    livemode: row.livemode === 1,
    dynamic_url: row.dynamic_url,
    interval: row.interval as Product['interval'],
    file:
      row.file_sha256 === null ? null : { name: row.file_name!, size: Number(row.file_size), sha256: row.file_sha256 },
    image_url: productImageUrl(publicUrl, row),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  }
}
