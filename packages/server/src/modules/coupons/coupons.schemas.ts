import { Type, type Static } from 'typebox'
import { PageQuerySchema } from '../../platform/pagination.ts'

export const MAX_AMOUNT_OFF_CENTS = 100_000_000_000
/** Products one coupon may be limited to. */
export const MAX_COUPON_PRODUCTS = 100

const Timestamp = Type.String({ format: 'date-time' })
const Code = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'What buyers type: letters, digits, `-` and `_`. Unique per shop and mode, matched case-insensitively.',
})
const ProductIds = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: MAX_COUPON_PRODUCTS,
  uniqueItems: true,
  description: 'The products the discount applies to (of this shop and mode); empty or absent = every product.',
})
const MaxRedemptions = Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), Type.Null()], {
  description:
    'How many orders may hold the coupon at once; `null` = no limit. An unpaid order that expires or fails gives its use back.',
})
const ExpiresAt = Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
  description: 'RFC 3339 date-time after which the coupon is refused; `null` = never.',
})
const Active = Type.Boolean({ description: 'An inactive coupon is refused at checkout.' })

export const CouponSchema = Type.Object(
  {
    id: Type.String({ examples: ['cpn_01J2PVQR41XKZ0Q6V1H8D3M9TE'] }),
    code: Type.String(),
    percent_off: Type.Union([Type.Integer(), Type.Null()], { description: 'Percent off the eligible lines.' }),
    amount_off_cents: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Fixed amount off the eligible lines, once per order, in `currency`.',
    }),
    currency: Type.Union([Type.String(), Type.Null()], { description: 'The currency of `amount_off_cents`.' }),
    product_ids: Type.Array(Type.String()),
    max_redemptions: Type.Union([Type.Integer(), Type.Null()]),
    times_redeemed: Type.Integer({
      description: 'Orders holding the coupon: paid ones and unpaid ones not yet expired.',
    }),
    expires_at: Type.Union([Timestamp, Type.Null()]),
    active: Type.Boolean(),
    livemode: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Coupon' },
)

export const CreateCouponBodySchema = Type.Object(
  {
    code: Code,
    percent_off: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'Exclusive with amount_off_cents.' }),
    ),
    amount_off_cents: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_AMOUNT_OFF_CENTS,
        description: 'Exclusive with percent_off; needs currency.',
      }),
    ),
    currency: Type.Optional(
      Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO-4217, upper case: the currency of amount_off_cents.' }),
    ),
    product_ids: Type.Optional(ProductIds),
    max_redemptions: Type.Optional(MaxRedemptions),
    expires_at: Type.Optional(ExpiresAt),
    active: Type.Optional(Active),
  },
  {
    additionalProperties: false,
    examples: [{ code: 'LAUNCH20', percent_off: 20, max_redemptions: 100 }],
  },
)

export const UpdateCouponBodySchema = Type.Object(
  {
    product_ids: Type.Optional(ProductIds),
    max_redemptions: Type.Optional(MaxRedemptions),
    expires_at: Type.Optional(ExpiresAt),
    active: Type.Optional(Active),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ active: false }] },
)

export const DeletedCouponSchema = Type.Object({ id: Type.String(), deleted: Type.Literal(true) })

export const ListCouponsQuerySchema = Type.Object({ ...PageQuerySchema }, { additionalProperties: false })

export type Coupon = Static<typeof CouponSchema>
export type CreateCouponBody = Static<typeof CreateCouponBodySchema>
export type UpdateCouponBody = Static<typeof UpdateCouponBodySchema>
export type ListCouponsQuery = Static<typeof ListCouponsQuerySchema>

// The payload of the coupon events (the event catalogue is platform/outbox/outbox.ts).
declare module '../../platform/outbox/outbox.ts' {
  interface EventPayloads {
    'coupon.created': Coupon
    'coupon.updated': Coupon
    'coupon.deleted': Coupon
  }
}
