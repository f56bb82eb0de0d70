// The demo shop `sx serve` creates on an empty database, so a fresh install has something to call.
// Every product can be ordered and paid with the printed test key: pool products get items, the
// file product a small file stored as an upload would be, the physical one a stock counter.
import type { SecretBox } from '../../platform/secret-box.ts'
import type { Db } from '../../db/database.ts'
import { catalogTransaction, seedProduct, storeFileBytes } from '../catalog/index.ts'
import { initShop, type InitResult } from './shops.service.ts'

const DEMO_PRODUCTS = [
  { name: 'Adobe Creative Cloud Key', type: 'license_key', price_cents: 12900, keys: 12 },
  { name: 'Windows 11 Pro Key', type: 'license_key', price_cents: 4900, keys: 25 },
  { name: 'Streaming Account (1 month)', type: 'account', price_cents: 999, keys: 8 },
  { name: 'Icon Pack (download)', type: 'file_download', price_cents: 1500, keys: 0 },
  { name: 'Sticker Sheet', type: 'physical', price_cents: 700, keys: 0, stock: 40 },
] as const

/** What the demo's file product delivers: a few icons in one SVG sheet. */
const DEMO_FILE_NAME = 'sx-demo-icons.svg'
const DEMO_FILE = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="32" viewBox="0 0 96 32">
  <title>sx demo icons</title>
  <circle cx="16" cy="16" r="12" fill="#2563eb"/>
  <rect x="36" y="4" width="24" height="24" rx="4" fill="#16a34a"/>
  <path d="M80 4 92 28H68z" fill="#f59e0b"/>
</svg>
`

/** Creates the demo shop with test-mode products, stock and file (under `dataDir`); returns its login and keys. */
export async function seedDemoShop(db: Db, box: SecretBox, dataDir: string, now: number): Promise<InitResult> {
  // Written before the transaction; content-addressed, so a losing concurrent seed leaves nothing extra.
  const stored = await storeFileBytes(dataDir, Buffer.from(DEMO_FILE))
  const result = await initShop(db, { name: 'Demo Shop', email: 'demo@sx.local', now })
  await catalogTransaction(db, async (trx) => {
    for (const { keys, ...product } of DEMO_PRODUCTS) {
      const items = Array.from(
        { length: keys },
        (_, i) => `DEMO-${product.name.slice(0, 4).toUpperCase()}-${String(i + 1).padStart(4, '0')}`,
      )
      const file = product.type === 'file_download' ? { name: DEMO_FILE_NAME, ...stored } : undefined
      await seedProduct(trx, box, { shopId: result.shop.id, livemode: false }, { ...product, items, file }, now)
    }
  })
  return result
}
