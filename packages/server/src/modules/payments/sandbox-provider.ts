// The sandbox provider behind every test key: no chain, same shapes. Addresses are real-format
// and derived from the order id (the same order always gets the same address); amounts are quoted
// at fixed sandbox rates; transaction hashes are deterministic fakes.
import { createHash } from 'node:crypto'
import { findAsset, quote, sandboxAddress, sandboxTxHash, type Chain } from './chains.ts'
import type { InvoiceRequest, PaymentProvider } from './provider.ts'

function seed(...parts: string[]): Uint8Array {
  return createHash('sha256').update(parts.join(':')).digest()
}

export function createSandboxProvider(): PaymentProvider {
  return {
    id: 'sandbox',
    // Quotes at fixed rates and derives the address from the order id: nothing leaves the process.
    invoicing: 'in_process',
    async createInvoice(request: InvoiceRequest) {
      const asset = findAsset(request.chain, request.asset)
      if (!asset)
        return { ok: false, retryable: false, reason: `${request.asset} is not available on ${request.chain}` }
      const amount = quote(request.priceCents, request.currency, asset)
      if (amount === null)
        return { ok: false, retryable: false, reason: `no sandbox rate from ${request.currency} to ${request.asset}` }
      // A later quote of the same order (another payment method) gets an address of its own.
      const ref = request.quoteNo ? `${request.orderId}_${request.quoteNo}` : request.orderId
      return {
        ok: true,
        value: {
          providerRef: `sbx_${ref}`,
          address: sandboxAddress(request.chain, seed('address', ref)),
          amountDue: amount.toString(),
        },
      }
    },
  }
}

/** The fake hash of the order's n-th sandbox payment. */
export function sandboxPaymentHash(chain: Chain, orderId: string, n: number): string {
  return sandboxTxHash(chain, seed('tx', orderId, String(n)))
}
