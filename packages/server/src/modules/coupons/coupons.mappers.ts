import { toIso, toIsoOrNull } from '../../platform/clock.ts'
import type { Coupon } from './coupons.schemas.ts'
import type { CouponRow } from './coupons.table.ts'

export function toCoupon(row: CouponRow): Coupon {
  return {
    id: row.id,
    code: row.code,
    percent_off: row.percent_off === null ? null : Number(row.percent_off),
    amount_off_cents: row.amount_off_cents === null ? null : Number(row.amount_off_cents),
    currency: row.currency,
    product_ids: JSON.parse(row.product_ids) as string[],
    max_redemptions: row.max_redemptions === null ? null : Number(row.max_redemptions),
    times_redeemed: Number(row.times_redeemed),
    expires_at: toIsoOrNull(row.expires_at === null ? null : Number(row.expires_at)),
    active: row.active === 1,
    livemode: row.livemode === 1,
    created_at: toIso(Number(row.created_at)),
    updated_at: toIso(Number(row.updated_at)),
  }
}
