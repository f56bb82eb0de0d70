// The chain watcher: live invoices on EVM chains (the `in_process` provider that gives each order its
// deposit address and locked quote), the rate source, and the `chain.watch` job that scans each chain
// and moves orders through the invoice state machine.
export { createLiveProvider, LIVE_PROVIDER_ID, type LiveProviderDeps } from './live-provider.ts'
export { createHttpRateSource, MAX_RATE_AGE_MS, type Rate, type RateSource } from './rates.ts'
export { watchStep, DEFAULT_TUNING, type ScanTuning, type StepReport } from './scan.ts'
export { scheduleWatchers, watchJobHandlers, WATCH_JOB } from './watch.job.ts'
export { paymentProgress, type PaymentProgress } from './progress.ts'
/** For the treasury: the refund address of an order paid on chain, and the deposits holding money to sweep. */
export { fundedDeposits, payerOf } from './watcher.repository.ts'
