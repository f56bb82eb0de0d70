// Coupons: create, read, list, patch and delete. Each change writes its coupon.* event into the
// outbox in the same transaction. Redeeming one at checkout is redemption.ts.
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import { AppError, invalidFields, notFound, type FieldErrors } from '../../platform/errors.ts'
import { isId, newId } from '../../platform/ids.ts'
import { parseRfc3339 } from '../../platform/clock.ts'
import { recordEvent, type EventTypeOf } from '../../platform/outbox/outbox.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import { ISO_CURRENCIES, findSellableProducts } from '../catalog/index.ts'
import type { Coupon, CreateCouponBody, ListCouponsQuery, UpdateCouponBody } from './coupons.schemas.ts'
import { toCoupon } from './coupons.mappers.ts'
import type { CouponRow } from './coupons.table.ts'
import * as repo from './coupons.repository.ts'

type Deps = Pick<Services, 'db' | 'clock' | 'secretBox'>
type Scope = { shopId: string; livemode: boolean }

export async function createCoupon(services: Deps, ctx: RequestContext, body: CreateCouponBody): Promise<Coupon> {
  const errors: FieldErrors = {}
  const percent = body.percent_off !== undefined
  const amount = body.amount_off_cents !== undefined
  if (percent === amount) {
    const message = percent ? 'cannot be given with percent_off' : 'or percent_off is required'
    errors.amount_off_cents = [message]
    errors.percent_off = [percent ? 'cannot be given with amount_off_cents' : 'or amount_off_cents is required']
  }
  if (amount && body.currency === undefined) errors.currency = ['is required with amount_off_cents']
  if (!amount && body.currency !== undefined) errors.currency = ['is only taken with amount_off_cents']
  if (body.currency !== undefined && !ISO_CURRENCIES.has(body.currency))
    errors.currency = ['is not an ISO-4217 currency code']
  const now = services.clock.now()
  const expiresAt = readExpiry(body.expires_at, now, errors)
  if (Object.keys(errors).length > 0) throw invalidFields(errors)

  const code = body.code
  try {
    return await ctx.transact(async (trx) => {
      const productIds = await checkProducts(trx, ctx.auth, body.product_ids ?? [])
      const id = newId('coupon')
      await repo.insertCoupon(trx, {
        id,
        shop_id: ctx.auth.shopId,
        livemode: ctx.auth.livemode ? 1 : 0,
        code,
        code_key: code.toLowerCase(),
        percent_off: body.percent_off ?? null,
        amount_off_cents: body.amount_off_cents ?? null,
        currency: amount ? body.currency! : null,
        product_ids: JSON.stringify(productIds),
        max_redemptions: body.max_redemptions ?? null,
        expires_at: expiresAt ?? null,
        active: body.active === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      return emitCouponEvent(trx, services, ctx.auth, await loadCoupon(trx, ctx.auth, id), 'coupon.created', now)
    })
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    throw new AppError('conflict', `A coupon with the code ${code} (in any letter case) already exists in this shop.`, {
      errors: { code: ['is already taken'] },
    })
  }
}

export async function getCoupon(services: Deps, ctx: RequestContext, id: string): Promise<Coupon> {
  return toCoupon(await loadCoupon(services.db, ctx.auth, id))
}

export async function listCoupons(services: Deps, ctx: RequestContext, query: ListCouponsQuery) {
  const page = readPage(query, 'coupons')
  return toList(await repo.listCoupons(services.db, ctx.auth, page.afterId, page.limit), page, toCoupon)
}

/** The terms a buyer was offered (code, amount) stay; what limits it further may change. */
export async function updateCoupon(services: Deps, ctx: RequestContext, id: string, body: UpdateCouponBody) {
  return ctx.transact(async (trx) => {
    const current = await loadCoupon(trx, ctx.auth, id)
    const now = services.clock.now()
    const errors: FieldErrors = {}
    const expiresAt = readExpiry(body.expires_at, now, errors)
    if (Object.keys(errors).length > 0) throw invalidFields(errors)
    const productIds = body.product_ids === undefined ? undefined : await checkProducts(trx, ctx.auth, body.product_ids)
    await repo.updateCoupon(trx, ctx.auth, id, {
      ...(productIds !== undefined ? { product_ids: JSON.stringify(productIds) } : {}),
      ...(body.max_redemptions !== undefined ? { max_redemptions: body.max_redemptions } : {}),
      ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}),
      ...(body.active !== undefined ? { active: body.active ? 1 : 0 } : {}),
      updated_at: now,
    })
    const updated = await loadCoupon(trx, ctx.auth, current.id)
    return emitCouponEvent(trx, services, ctx.auth, updated, 'coupon.updated', now)
  })
}

/** Deletes the coupon (its code is free again); orders that used it keep the code and discount they got. */
export async function deleteCoupon(services: Deps, ctx: RequestContext, id: string) {
  return ctx.transact(async (trx) => {
    const current = await loadCoupon(trx, ctx.auth, id)
    const now = services.clock.now()
    await repo.deleteCoupon(trx, ctx.auth, id)
    await emitCouponEvent(trx, services, ctx.auth, current, 'coupon.deleted', now)
    return { id, deleted: true as const }
  })
}

/** The coupon in this shop and mode, or 404 (another shop's or mode's coupon is 404 too). */
async function loadCoupon(db: DbOrTrx, scope: Scope, id: string): Promise<CouponRow> {
  const row = isId('coupon', id) ? await repo.findCoupon(db, scope, id) : undefined
  if (!row) throw notFound('coupon', id)
  return row
}

async function emitCouponEvent(
  trx: DbOrTrx,
  services: Pick<Services, 'secretBox'>,
  scope: Scope,
  row: CouponRow,
  type: EventTypeOf<'coupon'>,
  at: number,
): Promise<Coupon> {
  const coupon = toCoupon(row)
  await recordEvent(trx, services.secretBox, { ...scope, type, data: coupon, at })
  return coupon
}

/** `expires_at` as epoch ms (null clears it, undefined leaves it); it must be a future RFC 3339 date-time. */
function readExpiry(value: string | null | undefined, now: number, errors: FieldErrors): number | null | undefined {
  if (value === undefined || value === null) return value
  const parsed = parseRfc3339(value)
  if (!parsed || parsed.dateOnly) errors.expires_at = ['must be an RFC 3339 date-time with its offset']
  else if (parsed.epochMs <= now) errors.expires_at = ['must be in the future']
  return parsed?.epochMs
}

/** Every id must name a product of this shop and mode (any status: a draft may be published later). */
async function checkProducts(db: DbOrTrx, scope: Scope, ids: string[]): Promise<string[]> {
  const found = new Set(
    (
      await findSellableProducts(
        db,
        scope,
        ids.filter((id) => isId('product', id)),
      )
    ).map((p) => p.id),
  )
  const errors: FieldErrors = {}
  ids.forEach((id, index) => {
    if (!found.has(id)) errors[`product_ids.${index}`] = [`no product ${id} in this shop`]
  })
  if (Object.keys(errors).length > 0) throw invalidFields(errors)
  return ids
}
