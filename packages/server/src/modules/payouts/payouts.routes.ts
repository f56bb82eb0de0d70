import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema, ListSchema, withProblems } from '../../platform/http/schemas.ts'
import { CreatePayoutBodySchema, ListPayoutsQuerySchema, PayoutSchema } from './payouts.schemas.ts'
import { createPayout, getPayout, listPayouts } from './payouts.service.ts'

const tags = ['Payouts']

export const payoutsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/payouts',
    {
      config: { ability: 'payouts:read' },
      schema: {
        operationId: 'listPayouts',
        tags,
        summary: 'List payouts',
        description: 'Newest first; filter by `status`.',
        querystring: ListPayoutsQuerySchema,
        response: withProblems({ 200: ListSchema(PayoutSchema) }),
      },
    },
    (request) => listPayouts(app.services, request.ctx, request.query),
  )

  app.post(
    '/payouts',
    {
      config: { ability: 'payouts:write', successStatus: 201, idempotencyRequired: true },
      schema: {
        operationId: 'createPayout',
        tags,
        summary: 'Pay out the balance',
        description:
          'Requires `Idempotency-Key`. Sends `amount_cents` of a balance (`currency`, default the main one) to `destination_address` on `chain`, as `asset`. The amount must fit the available balance (422 otherwise) and leaves it at once; the payout goes `queued` → `broadcast` → `confirmed`, or `failed` (the amount comes back). Live mode needs a payout provider configured (409 until then).',
        body: CreatePayoutBodySchema,
        response: withProblems({ 201: PayoutSchema }),
      },
    },
    (request) => createPayout(app.services, request.ctx, request.body),
  )

  app.get(
    '/payouts/:id',
    {
      config: { ability: 'payouts:read' },
      schema: {
        operationId: 'getPayout',
        tags,
        summary: 'Retrieve a payout',
        params: IdParamsSchema,
        response: withProblems({ 200: PayoutSchema }),
      },
    },
    (request) => getPayout(app.services, request.ctx, request.params.id),
  )
}
