// For the treasury's sweep: which of these deposit addresses still belong to an order that is
// waiting for (more) money. Money there is not settled yet, so it stays where the buyer sent it.
import type { DbOrTrx } from '../../db/database.ts'

export async function addressesAwaitingPayment(db: DbOrTrx, chain: string, addresses: string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set()
  const rows = await db
    .selectFrom('orders')
    .select('pay_address')
    .where('chain', '=', chain)
    .where('status', 'in', ['pending', 'awaiting_payment'])
    .where('pay_address', 'in', addresses)
    .execute()
  return new Set(rows.map((row) => row.pay_address!))
}
