import { Type, type Static } from 'typebox'
import { PageQuerySchema } from '../../platform/pagination.ts'

const Timestamp = Type.String({ format: 'date-time' })

const CustomerFields = {
  id: Type.String({ examples: ['cus_01J2PR9M5C4X8Q2ZP6V1H3M9TE'] }),
  email: Type.String(),
  orders_count: Type.Integer({ description: 'Orders placed, whatever became of them.' }),
  lifetime_cents: Type.Integer({
    description: "Sum of the paid orders' totals, net of refunds (processing or succeeded).",
  }),
  livemode: Type.Boolean(),
  first_seen_at: Timestamp,
  last_seen_at: Type.Union([Timestamp, Type.Null()]),
}

export const CustomerSummarySchema = Type.Object(CustomerFields)

export const CustomerSchema = Type.Object({
  ...CustomerFields,
  orders: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Type.String(),
      total_cents: Type.Integer(),
      currency: Type.String(),
      created_at: Timestamp,
      paid_at: Type.Union([Timestamp, Type.Null()]),
    }),
    { description: 'The 10 most recent orders, newest first.' },
  ),
})

export const ListCustomersQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    email: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 254,
        description: 'Only customers whose email contains this text, ignoring case (a search box).',
      }),
    ),
  },
  { additionalProperties: false },
)

export type CustomerSummary = Static<typeof CustomerSummarySchema>
export type Customer = Static<typeof CustomerSchema>
export type ListCustomersQuery = Static<typeof ListCustomersQuerySchema>

// The payload of the customer events (the event catalogue is platform/outbox/outbox.ts).
declare module '../../platform/outbox/outbox.ts' {
  interface EventPayloads {
    'customer.created': CustomerSummary
  }
}
