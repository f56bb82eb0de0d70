import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { withProblems } from '../../platform/http/schemas.ts'
import { BalanceQuerySchema, BalanceSchema } from './ledger.schemas.ts'
import { getBalance } from './ledger.service.ts'

export const balanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/balance',
    {
      config: { ability: 'payouts:read' },
      schema: {
        operationId: 'getBalance',
        tags: ['Balance'],
        summary: 'Retrieve the balance',
        description:
          'Sums of the ledger: paid orders in, refunds and payouts out. `pending_cents` is refunds and payouts on their way. One currency at the top (`?currency=`, default the first the shop received money in), all of them in `balances`.',
        querystring: BalanceQuerySchema,
        response: withProblems({ 200: BalanceSchema }),
      },
    },
    (request) => getBalance(app.services, request.ctx, request.query),
  )
}
