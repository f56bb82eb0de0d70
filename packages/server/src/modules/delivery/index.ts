// Delivery: one strategy per product type, run in the payment's transaction or by the orders' delivery job.
export { STRATEGIES, RENEWAL_JOB } from './strategies.ts'
export type { DeliveredValue, DeliveryDeps, LineToDeliver, Settled } from './strategy.ts'

export { downloadsLeft, peekDownload, spendDownload, type DownloadCheck, type DownloadRefusal } from './downloads.ts'
