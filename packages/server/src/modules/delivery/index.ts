// Delivery: one strategy per product type, run by the orders' delivery job.
export { STRATEGIES, RENEWAL_JOB, subscriptionPeriodEnd } from './strategies.ts'
export type { DeliveredValue, DeliveryDeps, LineToDeliver } from './strategy.ts'

