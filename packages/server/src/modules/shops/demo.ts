// The demo shop `sx serve` creates on an empty database, so a fresh install has something to call.
import type { Db } from '../../db/database.ts'
import { sha256Hex } from '../../platform/crypto.ts'
import { newId } from '../../platform/ids.ts'
import { initShop, type InitResult } from './shops.service.ts'

const DEMO_PRODUCTS = [
  { name: 'Adobe Creative Cloud Key', type: 'license_key', price_cents: 12900, keys: 12 },
  { name: 'Windows 11 Pro Key', type: 'license_key', price_cents: 4900, keys: 25 },
  { name: 'Streaming Account (1 month)', type: 'account', price_cents: 999, keys: 8 },
  { name: 'Icon Pack (download)', type: 'file_download', price_cents: 1500, keys: 0 },
  { name: 'Sticker Sheet', type: 'physical', price_cents: 700, keys: 0, stock: 40 },
] as const

/** Creates the demo shop with test-mode products and stock; returns its login and keys. */
export async function seedDemoShop(db: Db, now: number): Promise<InitResult> {
  const result = await initShop(db, { name: 'Demo Shop', email: 'demo@sx.local', now })
  await db.transaction().execute(async (trx) => {
    for (const product of DEMO_PRODUCTS) {
      const productId = newId('product')
      await trx.insertInto('products').values({
        id: productId, shop_id: result.shop.id, livemode: 0, name: product.name,
        slug: product.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''),
        type: product.type, price_cents: product.price_cents, currency: 'USD', description: null, status: 'active',
        stock_counter: 'stock' in product ? product.stock : null, created_at: now, updated_at: now, archived_at: null,
      }).execute()
      for (let i = 1; i <= product.keys; i++) {
        const value = `DEMO-${productId.slice(-6)}-${String(i).padStart(4, '0')}`
        await trx.insertInto('stock_items').values({
          id: newId('stockItem'), shop_id: result.shop.id, livemode: 0, product_id: productId, value,
          value_hash: sha256Hex(value), status: 'available', order_id: null, created_at: now,
        }).execute()
      }
    }
  })
  return result
}
