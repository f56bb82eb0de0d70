import { Type, type Static } from 'typebox'

export const DailyReportQuerySchema = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })) },
  { additionalProperties: false },
)

export const DailyReportSchema = Type.Object(
  {
    livemode: Type.Boolean(),
    from: Type.String({ format: 'date', description: 'The first day (UTC).' }),
    to: Type.String({ format: 'date', description: 'Today (UTC).' }),
    data: Type.Array(
      Type.Object({
        date: Type.String({ format: 'date' }),
        orders: Type.Integer({ description: 'Orders paid that day (UTC), refunded later or not.' }),
        revenue: Type.Array(
          Type.Object({
            currency: Type.String({ examples: ['USD'] }),
            amount_cents: Type.Integer({ description: 'The totals of those orders, before refunds.' }),
          }),
          { description: 'One entry per currency with orders that day; empty when none.' },
        ),
      }),
      { description: 'One entry per day, oldest first, days without orders included.' },
    ),
  },
  { $id: 'DailyReport' },
)

export type DailyReport = Static<typeof DailyReportSchema>
