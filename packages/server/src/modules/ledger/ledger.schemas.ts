import { Type, type Static } from 'typebox'

export const CurrencySchema = (description: string) => Type.String({ pattern: '^[A-Z]{3}$', description })

const Amounts = {
  currency: Type.String({ examples: ['USD'] }),
  available_cents: Type.Integer({ description: 'Can be paid out or refunded now.' }),
  pending_cents: Type.Integer({
    description: 'Refunds and payouts on their way: taken from available when created, back in available if they fail.',
  }),
}

export const BalanceSchema = Type.Object({
  ...Amounts,
  livemode: Type.Boolean(),
  balances: Type.Array(Type.Object(Amounts), {
    description: 'Every currency this shop has received money in, oldest first.',
  }),
})

export const BalanceQuerySchema = Type.Object(
  {
    currency: Type.Optional(
      CurrencySchema(
        'Which currency to show at the top (default: the first one the shop received money in; USD before any).',
      ),
    ),
  },
  { additionalProperties: false },
)

export type Balance = Static<typeof BalanceSchema>
export type BalanceQuery = Static<typeof BalanceQuerySchema>
