import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema, ListSchema, withProblems } from '../../platform/http/schemas.ts'
import { CreateRefundBodySchema, ListRefundsQuerySchema, RefundSchema } from './refunds.schemas.ts'
import { createRefund, listRefunds } from './refunds.service.ts'

const tags = ['Refunds']

export const refundsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/orders/:id/refunds',
    {
      config: { ability: 'orders:write', idempotencyRequired: true },
      schema: {
        operationId: 'createRefund',
        tags,
        summary: 'Refund an order',
        description:
          'Requires `Idempotency-Key`. Refunds `amount_cents` (default: what is left) of a paid order; partial refunds add up to at most the total (more is a 422, an order never paid a 409). The amount leaves the available balance at once (422 when the balance is short) and the refund is `processing` until its transaction confirms. When refunds that succeeded cover the total, the order becomes `refunded` (`order.refunded`) and its delivered keys are never sold again.',
        params: IdParamsSchema,
        body: CreateRefundBodySchema,
        response: withProblems({ 200: RefundSchema }),
      },
    },
    (request) => createRefund(app.services, request.ctx, request.params.id, request.body ?? {}),
  )

  app.get(
    '/orders/:id/refunds',
    {
      config: { ability: 'orders:read' },
      schema: {
        operationId: 'listRefunds',
        tags,
        summary: "List an order's refunds",
        description: 'Newest first.',
        params: IdParamsSchema,
        querystring: ListRefundsQuerySchema,
        response: withProblems({ 200: ListSchema(RefundSchema) }),
      },
    },
    (request) => listRefunds(app.services, request.ctx, request.params.id, request.query),
  )
}
