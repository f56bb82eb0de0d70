// Catalog: products and their stock pools.
export { catalogRoutes } from './catalog.routes.ts'
export { PRODUCT_TYPES } from './catalog.schemas.ts'
