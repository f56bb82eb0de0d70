// Shops and owners: created by `sx init` and the demo seed; the settings are edited through /v1/shop.
export { shopRoutes } from './shops.routes.ts'
export { shopPageRoutes } from './pages.routes.ts'
export { initShop, hasAnyShop, ShopInitError, type InitResult } from './shops.service.ts'
export { seedDemoShop } from './demo.ts'
export { shopUrl } from './shops.mappers.ts'
export {
  findFirstOwnerEmail,
  findShopBranding,
  findOwnerByEmail,
  findOwnerById,
  setOwnerPasswordHash,
} from './shops.repository.ts'
export { acceptedMethods, findCheckoutShop, type CheckoutShop } from './checkout-shop.ts'
