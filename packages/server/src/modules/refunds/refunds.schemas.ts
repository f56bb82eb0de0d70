import { Type, type Static } from 'typebox'
import { StringEnum } from '../../platform/http/schemas.ts'
import { PageQuerySchema } from '../../platform/pagination.ts'
import { CHAINS } from '../payments/index.ts'

export const REFUND_STATUSES = ['processing', 'succeeded', 'failed'] as const
export const REFUND_REASONS = ['requested_by_buyer', 'duplicate', 'fraud', 'other'] as const
export type RefundStatus = (typeof REFUND_STATUSES)[number]

const Timestamp = Type.String({ format: 'date-time' })

export const CreateRefundBodySchema = Type.Object(
  {
    amount_cents: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Default: what is left to refund. Partial refunds add up to at most the order total.',
      }),
    ),
    reason: Type.Optional(
      StringEnum(REFUND_REASONS, { description: 'For your accounting and the buyer receipt (default `other`).' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Internal note attached to the refund record.' })),
    destination_address: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description:
          "Where the buyer's money goes, on the order's chain. Default: back to the address that paid (the sandbox can; a live provider that cannot makes it required).",
      }),
    ),
  },
  { additionalProperties: false, examples: [{ amount_cents: 500, reason: 'requested_by_buyer' }] },
)

export const RefundSchema = Type.Object({
  id: Type.String({ examples: ['rf_01J2PVS78B4X8Q2ZP6V1H3M9TE'] }),
  order_id: Type.String(),
  status: StringEnum(REFUND_STATUSES, {
    description:
      '`processing` until the transfer is confirmed (`succeeded`) or fails (`failed`: the amount is back in the balance).',
  }),
  amount_cents: Type.Integer(),
  currency: Type.String(),
  reason: StringEnum(REFUND_REASONS),
  note: Type.Union([Type.String(), Type.Null()]),
  chain: StringEnum(CHAINS),
  asset: Type.String(),
  amount: Type.String({
    description:
      "What goes back, in the asset's units: the same share of the invoice amount as amount_cents is of the total.",
  }),
  destination_address: Type.Union([Type.String(), Type.Null()], {
    description: 'Null: back to the address that paid.',
  }),
  destination_tx: Type.Union([Type.String(), Type.Null()], {
    description: "The refund's transaction, once broadcast.",
  }),
  failure_reason: Type.Union([Type.String(), Type.Null()]),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
})

export const ListRefundsQuerySchema = Type.Object({ ...PageQuerySchema }, { additionalProperties: false })

export type CreateRefundBody = Static<typeof CreateRefundBodySchema>
export type Refund = Static<typeof RefundSchema>
export type ListRefundsQuery = Static<typeof ListRefundsQuerySchema>
