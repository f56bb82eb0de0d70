// The demo shop `sx serve` creates on an empty database, so a fresh install has something to call.
import type { Db } from '../../db/database.ts'
import { seedProduct } from '../catalog/index.ts'
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
    for (const { keys, ...product } of DEMO_PRODUCTS) {
      const items = Array.from({ length: keys }, (_, i) => `DEMO-${product.name.slice(0, 4).toUpperCase()}-${String(i + 1).padStart(4, '0')}`)
      await seedProduct(trx, { shopId: result.shop.id, livemode: false }, { ...product, items }, now)
    }
  })
  return result
}
