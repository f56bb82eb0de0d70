// Catalog: products and their stock pools.
export { catalogRoutes } from './catalog.routes.ts'
