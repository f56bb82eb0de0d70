// The payment provider port. A provider turns an order into an invoice (where to pay, how much,
// until when). Payments it sees are applied by the invoice state machine (invoice-state.ts).
// Test keys always use the sandbox; live providers (EVM watcher, hosted gateways) plug in here.
import type { Chain } from './chains.ts'

export type InvoiceRequest = {
  orderId: string
  priceCents: number
  currency: string
  chain: Chain
  asset: string
  expiresAt: number
}

export type Invoice = {
  providerRef: string
  address: string
  /** Base units of the asset, as a decimal integer string. */
  amountDue: string
}

export type ProviderResult<T> = { ok: true; value: T } | { ok: false; retryable: boolean; reason: string }

export interface PaymentProvider {
  readonly id: string
  createInvoice(request: InvoiceRequest): Promise<ProviderResult<Invoice>>
}
