// The limits on orders from the storefront's public form (no API key, anyone may send it).
import type { DbOrTrx } from '../../db/database.ts'
import { AppError } from '../../platform/errors.ts'
import type { Scope } from './checkout-lines.ts'
import * as repo from './orders.repository.ts'

/**
 * An order from the storefront's public form: its buyer's address key, a shorter reservation, and
 * limits on the unpaid form orders one address or one email may hold in the shop (checked in the
 * order's transaction).
 */
export type PublicOrderOptions = {
  buyerAddress: string
  ttlSeconds: number
  unpaidPerAddress: number
  unpaidPerEmail: number
}

/**
 * A buyer (address or email) holding as many unpaid form orders as allowed gets a 429 until one is
 * paid or expires: a public form must not let one visitor hold the stock. Counted in the order's
 * transaction (on SQLite it is serialised; on PostgreSQL two orders at the same instant may pass).
 */
export async function checkUnpaidLimits(
  trx: DbOrTrx,
  scope: Scope,
  email: string,
  limits: PublicOrderOptions,
): Promise<void> {
  const held = await repo.countUnpaidPublicOrders(trx, scope, { buyerAddress: limits.buyerAddress, email })
  const over =
    held.byAddress >= limits.unpaidPerAddress
      ? 'this address'
      : held.byEmail >= limits.unpaidPerEmail
        ? 'this email'
        : null
  if (over)
    throw new AppError(
      'rate_limited',
      `There are already unpaid orders from ${over} in this shop: pay one of them (the link is in its email) or wait for it to expire.`,
      { headers: { 'retry-after': String(limits.ttlSeconds) } },
    )
}
