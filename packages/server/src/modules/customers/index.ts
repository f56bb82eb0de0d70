// Customers: one per shop, mode and email, with figures derived from their orders.
export { customersRoutes } from './customers.routes.ts'
export { upsertCustomer } from './customers.repository.ts'
export { newCustomerSummary } from './customers.service.ts'
export type { CustomerOrder, CustomerOrderFigures, CustomerOrders } from './customer-orders.ts'
