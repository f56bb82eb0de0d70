import type { Selectable } from 'kysely'

export interface ProductsTable {
  id: string
  shop_id: string
  livemode: number
  name: string
  slug: string
  type: string
  price_cents: number
  currency: string
  description: string | null
  status: string
  /** The merchant-set counter for counter-based types; null = unlimited. Pool types derive stock from stock_items. */
  stock_counter: number | null
  created_at: number
  updated_at: number
  archived_at: number | null
  /** dynamic: the merchant endpoint called at delivery, and its signing secret sealed with SX_SECRET. */
  dynamic_url: string | null
  signing_secret_sealed: string | null
  /** subscription: day | week | month | year */
  interval: string | null
  /** file_download: the uploaded file, stored content-addressed under the data folder. */
  file_name: string | null
  file_size: number | null
  file_sha256: string | null
  /** The product's image (PNG, JPEG or WebP), stored content-addressed under the data folder (images/), and its MIME type. */
  image_sha256: string | null
  image_type: string | null
}

export interface StockItemsTable {
  id: string
  shop_id: string
  livemode: number
  product_id: string
  /** The item, sealed with SX_SECRET (secret-box); only delivery opens it. */
  value: string
  /** Keyed digest (HMAC-SHA256, secret-box `digest`) of the item: the unique key, which also keeps
   *  4 KiB values out of a btree index. */
  value_hash: string
  /** available | reserved | sold | refunded */
  status: string
  order_id: string | null
  created_at: number
}

export type ProductRow = Selectable<ProductsTable>
/** A product row with its derived stock. */
export type ProductWithStockRow = ProductRow & { pool_stock: number | null }

/** Bumped in the transaction of every write to products or stock_items of a shop and mode. */
export interface CatalogVersionsTable {
  shop_id: string
  livemode: number
  version: number
}

/**
 * Append-only: every change of a product's stock_counter, written in the transaction of the change
 * (see counters.ts), plus each sale. The counter (null counts as 0) is the sum of `delta`.
 */
export interface StockMovementsTable {
  id: string
  shop_id: string
  livemode: number
  product_id: string
  /** set | unlimited (set to null) by the merchant; reserved | released | sold by an order */
  kind: string
  /** The signed change of the counter: −qty reserved, +qty released (0 if unlimited by then), 0 sold. */
  delta: number
  order_id: string | null
  created_at: number
}
