// Catalog: products and their stock pools.
export { catalogRoutes } from './catalog.routes.ts'
export { seedProduct } from './seed.ts'
