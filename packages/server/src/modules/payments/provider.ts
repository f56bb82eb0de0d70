// The payment provider port. A provider turns an order into an invoice (where to pay, how much,
// until when). Payments it sees are applied by the invoice state machine (invoice-state.ts).
// Test keys always use the sandbox; live providers (EVM watcher, hosted gateways) plug in here.
import type { DbOrTrx } from '../../db/database.ts'
import type { Chain } from './chains.ts'

export type InvoiceRequest = {
  orderId: string
  priceCents: number
  currency: string
  chain: Chain
  asset: string
  expiresAt: number
  /** The order's n-th quote (a change of payment method makes a new one); absent or 0 for the first. */
  quoteNo?: number
  /** The order's own transaction, given to an `in_process` provider (what it records commits with the order). */
  trx?: DbOrTrx
}

export type Invoice = {
  providerRef: string
  address: string
  /** Base units of the asset, as a decimal integer string. */
  amountDue: string
}

export type ProviderResult<T> = { ok: true; value: T } | { ok: false; retryable: boolean; reason: string }

/**
 * How a provider makes an invoice. `in_process`: computed here without any network call (the
 * sandbox; a rail that only derives an address), so checkout makes it inside the order's own
 * transaction and the order commits once. `remote`: it calls out, so checkout reserves in one
 * transaction, invoices outside any, then attaches the invoice in a second (and compensates a failure).
 */
export type InvoicingKind = 'in_process' | 'remote'

export interface PaymentProvider {
  readonly id: string
  readonly invoicing: InvoicingKind
  createInvoice(request: InvoiceRequest): Promise<ProviderResult<Invoice>>
  /**
   * Why this provider cannot take a payment on `chain` in `asset` at all (a chain the operator has not
   * configured: the message names the setting), or null. Checked before any stock is taken; a 409.
   */
  refusal?(method: { chain: Chain; asset: string }): Promise<string | null>
}
