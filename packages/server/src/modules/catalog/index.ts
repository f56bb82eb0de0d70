// Catalog: products and their stock pools.
export { catalogRoutes } from './catalog.routes.ts'
export { seedProduct } from './seed.ts'
export { nextFreeSlug, slugify } from './slug.ts'
export { INTERVALS, PRODUCT_TYPES, POOL_TYPES, type Product, type ProductType } from './catalog.schemas.ts'
export type { ProductRow } from './catalog.table.ts'
export { findDeliverySettings, findSellableProducts } from './catalog.repository.ts'
export { openProductFile, storeFileBytes } from './files.service.ts'
export { ISO_CURRENCIES } from './products.service.ts'
export { productImageRoutes } from './images.routes.ts'
export {
  findActiveProduct,
  findActiveProductScope,
  findProductImageUrls,
  listActiveProducts,
  listActiveProductsById,
} from './public-products.ts'
export { productImageUrl } from './images.ts'
export { refundPoolItems, releasePoolItems, reservePoolItems, sellPoolItems } from './reservations.repository.ts'
export { recordCounterSold, returnCounterStock, takeCounterStock } from './counters.ts'
export { catalogTransaction, catalogVersionOfKey, publishCatalogChanges } from './versions.repository.ts'
export {
  counterFigures,
  orderMovementFigures,
  type CounterFigure,
  type OrderMovementFigure,
} from './figures.repository.ts'
