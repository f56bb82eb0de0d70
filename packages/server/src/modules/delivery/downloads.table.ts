// Download links of file products: the delivery module mints them (strategies.ts) and spends them (downloads.ts).
export interface DownloadsTable {
  token_hash: string
  shop_id: string
  livemode: number
  order_id: string
  product_id: string
  expires_at: number
  downloads_left: number
  created_at: number
}
