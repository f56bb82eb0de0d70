import { sql, type Insertable, type Updateable } from 'kysely'
import type { DbOrTrx } from '../../db/database.ts'
import type { CouponRow, CouponsTable } from './coupons.table.ts'

type Scope = { shopId: string; livemode: boolean }

function selectCoupons(db: DbOrTrx, scope: Scope) {
  return db
    .selectFrom('coupons')
    .selectAll()
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
}

export function findCoupon(db: DbOrTrx, scope: Scope, id: string): Promise<CouponRow | undefined> {
  return selectCoupons(db, scope).where('id', '=', id).executeTakeFirst()
}

/** By the code a buyer typed, matched case-insensitively (`codeKey` is lower-cased). */
export function findCouponByCode(db: DbOrTrx, scope: Scope, codeKey: string): Promise<CouponRow | undefined> {
  return selectCoupons(db, scope).where('code_key', '=', codeKey).executeTakeFirst()
}

export function listCoupons(db: DbOrTrx, scope: Scope, afterId: string | null, limit: number): Promise<CouponRow[]> {
  let query = selectCoupons(db, scope)
  if (afterId) query = query.where('id', '<', afterId)
  return query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
}

export async function insertCoupon(db: DbOrTrx, row: Insertable<CouponsTable>): Promise<void> {
  await db.insertInto('coupons').values(row).execute()
}

export async function updateCoupon(db: DbOrTrx, scope: Scope, id: string, patch: Updateable<CouponsTable>) {
  await db
    .updateTable('coupons')
    .set(patch)
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .execute()
}

export async function deleteCoupon(db: DbOrTrx, scope: Scope, id: string): Promise<void> {
  await db
    .deleteFrom('coupons')
    .where('shop_id', '=', scope.shopId)
    .where('livemode', '=', scope.livemode ? 1 : 0)
    .where('id', '=', id)
    .execute()
}

/**
 * Counts one use if any is left, in one conditional UPDATE: concurrent checkouts queue on the row
 * and each sees the count the one before it committed, so no more than `max_redemptions` get it.
 */
export async function takeRedemption(db: DbOrTrx, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('coupons')
    .set({ times_redeemed: sql`times_redeemed + 1`, updated_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('max_redemptions', 'is', null), eb('times_redeemed', '<', eb.ref('max_redemptions'))]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Gives one use back (an unpaid order expired or failed); a coupon deleted since is left alone. */
export async function returnRedemption(db: DbOrTrx, id: string, at: number): Promise<void> {
  await db
    .updateTable('coupons')
    .set({ times_redeemed: sql`times_redeemed - 1`, updated_at: at })
    .where('id', '=', id)
    .where('times_redeemed', '>', 0)
    .execute()
}
