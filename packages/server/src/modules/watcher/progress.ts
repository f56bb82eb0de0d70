// What the buyer's page shows while a payment confirms: "seen, N of M confirmations".
import type { DbOrTrx } from '../../db/database.ts'
import { paymentsOfOrder } from './watcher.repository.ts'

export type PaymentProgress = Readonly<{ confirmations: number; required: number }>

/** The least-confirmed payment still waiting on the order, or null when none waits. */
export async function paymentProgress(
  db: DbOrTrx,
  orderId: string,
  required: (chain: string) => number | undefined,
): Promise<PaymentProgress | null> {
  const waiting = (await paymentsOfOrder(db, orderId)).filter((p) => p.state === 'seen')
  if (waiting.length === 0) return null
  const least = waiting.reduce((a, b) => (a.confirmations <= b.confirmations ? a : b))
  return { confirmations: least.confirmations, required: required(least.chain) ?? least.confirmations }
}
