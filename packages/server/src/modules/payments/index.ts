// Payments: the provider port, the sandbox provider, the invoice state machine and chain data.
export type { PaymentProvider, Invoice, InvoiceRequest } from './provider.ts'
export { createSandboxProvider, sandboxPaymentHash } from './sandbox-provider.ts'
export { afterPayment, becamePaid, overpaid, remaining, INVOICE_STATUSES, type InvoiceStatus } from './invoice-state.ts'
export { CHAINS, DEFAULT_PAYMENT_METHOD, findAsset, formatUnits, parseUnits, paymentUri, tolerance, type Chain } from './chains.ts'
