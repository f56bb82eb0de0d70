// Payments: the provider ports (money in, money out), their sandboxes, the invoice state machine and chain data.
export type { PaymentProvider, Invoice, InvoiceRequest, InvoicingKind, ProviderResult } from './provider.ts'
export type { PayoutProvider, TransferRequest, TransferState } from './payout-provider.ts'
export { unavailablePayoutProvider } from './payout-provider.ts'
export { createSandboxProvider, sandboxPaymentHash } from './sandbox-provider.ts'
export { createSandboxPayoutProvider, sandboxFailingAddress } from './sandbox-payout-provider.ts'
export {
  isValidDestination,
  payoutProviderFor,
  stepTransfer,
  type PayoutProviders,
  type TransferStep,
} from './transfers.ts'
export { afterPayment, becamePaid, overpaid, remaining, INVOICE_STATUSES, type InvoiceStatus } from './invoice-state.ts'
export { offeredMethods, type PaymentMethod } from './methods.ts'
export {
  CHAINS,
  DEFAULT_PAYMENT_METHOD,
  findAsset,
  formatUnits,
  parseUnits,
  paymentUri,
  quote,
  tolerance,
  type Chain,
} from './chains.ts'
