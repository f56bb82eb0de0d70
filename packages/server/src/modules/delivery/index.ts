// Delivery: one strategy per product type, run by the orders' delivery job.
export { STRATEGIES, RENEWAL_JOB } from './strategies.ts'
export type { DeliveredValue, DeliveryDeps, LineToDeliver } from './strategy.ts'

export { downloadsLeft, peekDownload, spendDownload, type DownloadCheck, type DownloadRefusal } from './downloads.ts'
