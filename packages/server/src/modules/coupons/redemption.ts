// A coupon at checkout: checked and counted in the order's transaction. The count is taken with a
// conditional UPDATE (`takeRedemption`), so N concurrent orders on a coupon with k uses left give
// exactly k discounted orders; the others are refused (422 on `coupon`) and roll back whole.
// Checkout calls this after it has reserved its lines' stock, and an expiring order gives the use
// back after its stock, so every transaction locks products before the coupon row (no deadlock).
import type { DbOrTrx } from '../../db/database.ts'
import { invalidFields } from '../../platform/errors.ts'
import * as repo from './coupons.repository.ts'

type Scope = { shopId: string; livemode: boolean }
/** What checkout knows of its lines: enough to find the eligible ones and their cost. */
export type PricedLine = { productId: string; subtotalCents: number }
export type Redemption = { couponId: string; code: string; discountCents: number }

/**
 * Checks the code against the order and counts one use: the discount, or a 422 on `coupon` whose
 * detail says why (an unknown code, including another shop's or mode's, is just unknown).
 */
export async function redeemCoupon(
  trx: DbOrTrx,
  scope: Scope,
  order: { code: string; currency: string; lines: PricedLine[]; at: number },
): Promise<Redemption> {
  const { code, currency, lines, at } = order
  const coupon = await repo.findCouponByCode(trx, scope, code.trim().toLowerCase())
  if (!coupon) throw refused(`No coupon ${code} in this shop.`, 'is not a coupon of this shop')
  if (coupon.active !== 1) throw refused(`The coupon ${coupon.code} is not active.`, 'is not active')
  if (coupon.expires_at !== null && Number(coupon.expires_at) <= at)
    throw refused(`The coupon ${coupon.code} has expired.`, 'has expired')
  if (coupon.currency !== null && coupon.currency !== currency)
    throw refused(
      `The coupon ${coupon.code} takes ${coupon.currency} off; this order is in ${currency}.`,
      `is in ${coupon.currency}, the order in ${currency}`,
    )
  const only = new Set(JSON.parse(coupon.product_ids) as string[])
  const eligible = lines
    .filter((line) => only.size === 0 || only.has(line.productId))
    .reduce((sum, line) => sum + line.subtotalCents, 0)
  if (eligible === 0)
    throw refused(`The coupon ${coupon.code} does not apply to any product in this order.`, 'applies to no line')
  const discount =
    coupon.percent_off !== null
      ? Math.round((eligible * Number(coupon.percent_off)) / 100)
      : Math.min(Number(coupon.amount_off_cents), eligible)
  const subtotal = lines.reduce((sum, line) => sum + line.subtotalCents, 0)
  // sx takes a payment for every order: a discount that leaves nothing to pay is refused.
  if (discount >= subtotal)
    throw refused(
      `The coupon ${coupon.code} would make this order free; sx takes a payment for every order.`,
      'leaves nothing to pay',
    )
  if (!(await repo.takeRedemption(trx, coupon.id, at)))
    throw refused(`The coupon ${coupon.code} has been used up.`, 'has no uses left')
  return { couponId: coupon.id, code: coupon.code, discountCents: discount }
}

/** An unpaid order expired or failed: its use of the coupon comes back. */
export function releaseRedemption(trx: DbOrTrx, couponId: string, at: number): Promise<void> {
  return repo.returnRedemption(trx, couponId, at)
}

function refused(detail: string, reason: string) {
  return invalidFields({ coupon: [reason] }, detail)
}
