// The invoice state machine (research/crypto.md §6.3), pure. Amounts are base units.
// `settled` means the payment is final: the sandbox confirms at once; chain watchers pass
// through `processing` while confirmations accrue.

export const INVOICE_STATUSES = ['new', 'partially_paid', 'processing', 'settled', 'expired', 'paid_late'] as const
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number]

export type InvoiceFacts = {
  status: InvoiceStatus
  due: bigint
  /** What has been seen so far, including the payment being applied. */
  received: bigint
  /** How much short of `due` still counts as paid (0 for stablecoins). */
  tolerance: bigint
  /** False while the payment has not reached the confirmations it needs. */
  confirmed: boolean
}

/** The status after a payment has been seen. Settled and paid-late invoices keep their status: extra money is recorded, never delivered twice. */
export function afterPayment(facts: InvoiceFacts): InvoiceStatus {
  const enough = facts.received >= facts.due - facts.tolerance
  switch (facts.status) {
    case 'new':
    case 'partially_paid':
    case 'processing':
      if (!enough) return facts.received > 0n ? 'partially_paid' : 'new'
      return facts.confirmed ? 'settled' : 'processing'
    case 'expired':
      return enough ? 'paid_late' : 'expired'
    case 'settled':
    case 'paid_late':
      return facts.status
  }
}

/** Whether this transition makes the order paid. */
export function becamePaid(before: InvoiceStatus, after: InvoiceStatus): boolean {
  return after === 'settled' && before !== 'settled'
}

export function remaining(due: bigint, received: bigint): bigint {
  return received >= due ? 0n : due - received
}

export function overpaid(due: bigint, received: bigint): bigint {
  return received > due ? received - due : 0n
}
