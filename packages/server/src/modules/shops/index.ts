// Shops and owners: created by `sx init` and the demo seed, not through the API.
export { initShop, hasAnyShop, ShopInitError, type InitResult } from './shops.service.ts'
export { seedDemoShop } from './demo.ts'
export {
  findFirstOwnerEmail,
  findShopName,
  findOwnerByEmail,
  findOwnerById,
  setOwnerPasswordHash,
} from './shops.repository.ts'
