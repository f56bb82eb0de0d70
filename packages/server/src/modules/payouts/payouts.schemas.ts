import { Type, type Static } from 'typebox'
import { StringEnum } from '../../platform/http/schemas.ts'
import { PageQuerySchema } from '../../platform/pagination.ts'
import { CurrencySchema } from '../ledger/index.ts'
import { CHAINS } from '../payments/index.ts'

export const PAYOUT_STATUSES = ['queued', 'broadcast', 'confirmed', 'failed'] as const
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number]

const Timestamp = Type.String({ format: 'date-time' })
const NullableTimestamp = Type.Union([Timestamp, Type.Null()])

export const CreatePayoutBodySchema = Type.Object(
  {
    chain: StringEnum(CHAINS, { description: 'Network to broadcast on.' }),
    asset: Type.String({
      pattern: '^[A-Z0-9]{2,10}$',
      description: 'Asset symbol on that chain (USDT, USDC, BTC, ETH, SOL, …).',
    }),
    amount_cents: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description:
        'Amount in fiat cents of `currency`, converted to the asset on the way out; at most the available balance.',
    }),
    currency: Type.Optional(
      CurrencySchema(
        'Which balance pays (default: the balance GET /v1/balance shows at the top, the first currency the shop received money in).',
      ),
    ),
    destination_address: Type.String({
      minLength: 1,
      maxLength: 128,
      description: "On-chain address to send to, checked against the chain's format.",
    }),
    memo: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Optional memo/tag for chains that need one.' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      { chain: 'tron', asset: 'USDT', amount_cents: 5000, destination_address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' },
    ],
  },
)

export const PayoutSchema = Type.Object({
  id: Type.String({ examples: ['po_01J2PW01GG4X8Q2ZP6V1H3M9TE'] }),
  status: StringEnum(PAYOUT_STATUSES, {
    description: '`queued` → `broadcast` → `confirmed`, or `failed` (the amount is back in the available balance).',
  }),
  chain: StringEnum(CHAINS),
  asset: Type.String(),
  amount_cents: Type.Integer(),
  currency: Type.String(),
  amount: Type.String({ description: "What is sent, in the asset's units, quoted when the payout was created." }),
  destination_address: Type.String(),
  memo: Type.Union([Type.String(), Type.Null()]),
  tx_hash: Type.Union([Type.String(), Type.Null()], { description: 'Set once broadcast.' }),
  failure_reason: Type.Union([Type.String(), Type.Null()]),
  livemode: Type.Boolean(),
  created_at: Timestamp,
  broadcast_at: NullableTimestamp,
  confirmed_at: NullableTimestamp,
  failed_at: NullableTimestamp,
})

export const ListPayoutsQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    status: Type.Optional(StringEnum(PAYOUT_STATUSES, { description: 'Filter by payout status.' })),
  },
  { additionalProperties: false },
)

export type CreatePayoutBody = Static<typeof CreatePayoutBodySchema>
export type Payout = Static<typeof PayoutSchema>
export type ListPayoutsQuery = Static<typeof ListPayoutsQuerySchema>

// The payload of the payout events (the event catalogue is platform/outbox/outbox.ts).
declare module '../../platform/outbox/outbox.ts' {
  interface EventPayloads {
    'payout.queued': Payout
    'payout.broadcast': Payout
    'payout.confirmed': Payout
    'payout.failed': Payout
  }
}
