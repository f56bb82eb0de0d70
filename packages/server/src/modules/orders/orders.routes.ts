import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { IdParamsSchema, ListSchema, withProblems } from '../../platform/http/schemas.ts'
import {
  CreateOrderBodySchema,
  FulfilBodySchema,
  ListOrdersQuerySchema,
  PayBodySchema,
  ResendResultSchema,
} from './orders.schemas.ts'
import { createOrder } from './checkout.service.ts'
import { fulfilOrder, getOrder, listOrders, redeliverOrder, resendOrder } from './orders.service.ts'
import { simulatePayment } from './payment.service.ts'

const tags = ['Orders']
// The Order schema is registered once at the root (app.ts) and referenced here.
const orderRef = Type.Unsafe({ $ref: 'Order#' })
const NoBody = Type.Object({}, { additionalProperties: false, examples: [{}] })

export const ordersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/orders',
    {
      config: { ability: 'orders:read' },
      schema: {
        operationId: 'listOrders',
        tags,
        summary: 'List orders',
        description:
          'Newest first; filter by `status`, `customer_id`, `delivery_state`, creation date (`from`, `to`, inclusive) and search by order id or customer email (`q`).',
        querystring: ListOrdersQuerySchema,
        response: withProblems({ 200: ListSchema(orderRef) }),
      },
    },
    (request) => listOrders(app.services, request.ctx, request.query),
  )

  app.post(
    '/orders',
    {
      config: { ability: 'orders:write', successStatus: 201 },
      schema: {
        operationId: 'createOrder',
        tags,
        summary: 'Create an order',
        description:
          'Reserves the stock at once and answers the order in `awaiting_payment` with its invoice (`payment.address`, exact `payment.amount`, `expires_at`) and `checkout_url`. Unpaid orders fail with `payment_expired` after ORDER_TTL_SECONDS and release their stock. Sold out: 409.',
        body: CreateOrderBodySchema,
        response: withProblems({ 201: orderRef }),
      },
    },
    (request) => createOrder(app.services, request.ctx, request.body),
  )

  app.get(
    '/orders/:id',
    {
      config: { ability: 'orders:read' },
      schema: {
        operationId: 'getOrder',
        tags,
        summary: 'Retrieve an order',
        params: IdParamsSchema,
        response: withProblems({ 200: orderRef }),
      },
    },
    (request) => getOrder(app.services, request.ctx, request.params.id),
  )

  app.post(
    '/orders/:id/resend',
    {
      config: { ability: 'orders:write' },
      schema: {
        operationId: 'resendOrder',
        tags,
        summary: 'Email the order to the buyer again',
        description: 'Queues the delivery email (or, before delivery, the payment instructions) to `customer_email`.',
        params: IdParamsSchema,
        body: Type.Optional(NoBody),
        response: withProblems({ 200: ResendResultSchema }),
      },
    },
    (request) => resendOrder(app.services, request.ctx, request.params.id),
  )

  app.post(
    '/orders/:id/redeliver',
    {
      config: { ability: 'orders:write' },
      schema: {
        operationId: 'redeliverOrder',
        tags,
        summary: 'Run a failed delivery again',
        description:
          'For an order whose delivery failed (`failure_reason: delivery_failed`): its failed lines are attempted again from a fresh retry budget.',
        params: IdParamsSchema,
        body: Type.Optional(NoBody),
        response: withProblems({ 200: orderRef }),
      },
    },
    (request) => redeliverOrder(app.services, request.ctx, request.params.id),
  )

  app.post(
    '/orders/:id/fulfil',
    {
      config: { ability: 'orders:write' },
      schema: {
        operationId: 'fulfilOrder',
        tags,
        summary: 'Mark physical goods shipped',
        description:
          "A paid order's physical items are delivered with the carrier and tracking number; the order completes once every line is delivered.",
        params: IdParamsSchema,
        body: FulfilBodySchema,
        response: withProblems({ 200: orderRef }),
      },
    },
    (request) => fulfilOrder(app.services, request.ctx, request.params.id, request.body),
  )
}

export const testHelperRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/test_helpers/orders/:id/pay',
    {
      config: { ability: 'orders:write' },
      schema: {
        operationId: 'payTestOrder',
        tags: ['Test helpers'],
        summary: 'Pay a test order (sandbox)',
        description:
          'Test keys only (a live key gets 404). The sandbox sees a payment of `amount` (default: what is left to pay) and the order moves on as with a real payment: below the amount due it stays `awaiting_payment` showing what is left; at or above it becomes `paid` (the excess is recorded) and is delivered.',
        params: IdParamsSchema,
        body: Type.Optional(PayBodySchema),
        response: withProblems({ 200: orderRef }),
      },
    },
    (request) => simulatePayment(app.services, request.ctx, request.params.id, request.body ?? {}),
  )
}
