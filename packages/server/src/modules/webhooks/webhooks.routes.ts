import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { IdParamsSchema, ListSchema, withProblems } from '../../platform/http/schemas.ts'
import {
  CreateWebhookBodySchema,
  DeletedWebhookSchema,
  DeliveryParamsSchema,
  EventSchema,
  ListDeliveriesQuerySchema,
  ListEventsQuerySchema,
  ListWebhooksQuerySchema,
  TestResultSchema,
  UpdateWebhookBodySchema,
  WebhookDeliverySchema,
  WebhookSchema,
} from './webhooks.schemas.ts'
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
  rotateSecret,
  testWebhook,
  updateWebhook,
} from './webhooks.service.ts'
import { getEvent, listEvents } from './events.service.ts'

const tags = ['Webhooks']
const NoBody = Type.Optional(Type.Object({}, { additionalProperties: false, examples: [{}] }))

export const webhooksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/webhooks',
    {
      config: { ability: 'webhooks:read' },
      schema: {
        operationId: 'listWebhooks',
        tags,
        summary: 'List webhook endpoints',
        description: 'Newest first; filter by `status`. Secrets are never listed.',
        querystring: ListWebhooksQuerySchema,
        response: withProblems({ 200: ListSchema(WebhookSchema) }),
      },
    },
    (request) => listWebhooks(app.services, request.ctx, request.query),
  )

  app.post(
    '/webhooks',
    {
      config: { ability: 'webhooks:write', successStatus: 201, shownOnce: ['signing_secret'] },
      schema: {
        operationId: 'createWebhook',
        tags,
        summary: 'Create a webhook endpoint',
        description:
          'Answers the endpoint with its `signing_secret` (shown this once: a replay with the same `Idempotency-Key` leaves it out and says `secret_omitted: true`). `events` needs the read ability of every event type it matches (`order.*` orders:read, `customer.*` customers:read, `product.*` products:read, `payout.*` payouts:read; `*` all four): 403 `forbidden_scope` names what the key lacks. Live mode takes https:// URLs on public addresses only; test mode also takes http:// and loopback. Up to 16 endpoints per shop and mode.',
        body: CreateWebhookBodySchema,
        response: withProblems({ 201: WebhookSchema }),
      },
    },
    (request) => createWebhook(app.services, request.ctx, request.body),
  )

  app.get(
    '/webhooks/:id',
    {
      config: { ability: 'webhooks:read' },
      schema: {
        operationId: 'getWebhook',
        tags,
        summary: 'Retrieve a webhook endpoint',
        params: IdParamsSchema,
        response: withProblems({ 200: WebhookSchema }),
      },
    },
    (request) => getWebhook(app.services, request.ctx, request.params.id),
  )

  app.patch(
    '/webhooks/:id',
    {
      config: { ability: 'webhooks:write' },
      schema: {
        operationId: 'updateWebhook',
        tags,
        summary: 'Update a webhook endpoint',
        description:
          'Change `url`, `events`, `description` or `status`. New `events`, or a new `url` (a new receiver of its events), need the read abilities of those events, as on create. Disabling cancels what is still queued for it; `active` re-enables an endpoint sx disabled.',
        params: IdParamsSchema,
        body: UpdateWebhookBodySchema,
        response: withProblems({ 200: WebhookSchema }),
      },
    },
    (request) => updateWebhook(app.services, request.ctx, request.params.id, request.body),
  )

  app.delete(
    '/webhooks/:id',
    {
      config: { ability: 'webhooks:write' },
      schema: {
        operationId: 'deleteWebhook',
        tags,
        summary: 'Delete a webhook endpoint',
        description: 'Nothing more is sent to it, including retries already scheduled.',
        params: IdParamsSchema,
        response: withProblems({ 200: DeletedWebhookSchema }),
      },
    },
    (request) => deleteWebhook(app.services, request.ctx, request.params.id),
  )

  app.post(
    '/webhooks/:id/rotate_secret',
    {
      config: { ability: 'webhooks:write', shownOnce: ['signing_secret'] },
      schema: {
        operationId: 'rotateWebhookSecret',
        tags,
        summary: 'Rotate the signing secret',
        description:
          'Answers the new `signing_secret` (shown this once: a replay with the same `Idempotency-Key` leaves it out and says `secret_omitted: true`). For 24 hours the old secret signs too: each signature header carries one signature per secret.',
        params: IdParamsSchema,
        body: NoBody,
        response: withProblems({ 200: WebhookSchema }),
      },
    },
    (request) => rotateSecret(app.services, request.ctx, request.params.id),
  )

  app.post(
    '/webhooks/:id/test',
    {
      config: { ability: 'webhooks:write' },
      schema: {
        operationId: 'testWebhook',
        tags,
        summary: 'Send a test ping',
        description:
          'POSTs a signed `ping` event now (same headers and signatures as every event) and answers how it went. The attempt is logged with trigger `test`.',
        params: IdParamsSchema,
        body: NoBody,
        response: withProblems({ 200: TestResultSchema }),
      },
    },
    (request) => testWebhook(app.services, request.ctx, request.params.id),
  )

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: { ability: 'webhooks:read' },
      schema: {
        operationId: 'listWebhookDeliveries',
        tags,
        summary: 'List delivery attempts',
        description:
          'Every attempt at this endpoint, newest first: time, status code, duration, error and the start of the answer.',
        params: IdParamsSchema,
        querystring: ListDeliveriesQuerySchema,
        response: withProblems({ 200: ListSchema(WebhookDeliverySchema) }),
      },
    },
    (request) => listDeliveries(app.services, request.ctx, request.params.id, request.query),
  )

  app.post(
    '/webhooks/:id/deliveries/:delivery_id/retry',
    {
      config: { ability: 'webhooks:write' },
      schema: {
        operationId: 'retryWebhookDelivery',
        tags,
        summary: "Send an attempt's event again",
        description:
          'Sends the same event (same id, freshly signed) now and answers the new attempt. A success ends its automatic retries.',
        params: DeliveryParamsSchema,
        body: NoBody,
        response: withProblems({ 200: WebhookDeliverySchema }),
      },
    },
    (request) => retryDelivery(app.services, request.ctx, request.params.id, request.params.delivery_id),
  )

  app.get(
    '/events',
    {
      config: { ability: 'webhooks:read' },
      schema: {
        operationId: 'listEvents',
        tags,
        summary: 'List events',
        description:
          'The events webhooks carry, newest first, whether or not an endpoint received them. Only the types whose read ability the key holds are listed (`order.*` orders:read, `customer.*` customers:read, `product.*` products:read, `payout.*` payouts:read); a `type` filter naming another is a 403 `forbidden_scope`. `object_id` lists the events about one object (an order’s paid, delivered, refunded, failed).',
        querystring: ListEventsQuerySchema,
        response: withProblems({ 200: ListSchema(EventSchema) }),
      },
    },
    (request) => listEvents(app.services, request.ctx, request.query),
  )

  app.get(
    '/events/:id',
    {
      config: { ability: 'webhooks:read' },
      schema: {
        operationId: 'getEvent',
        tags,
        summary: 'Retrieve an event',
        description:
          "Needs, besides `webhooks:read`, the read ability of the event's object (`order.*` orders:read, `customer.*` customers:read, `product.*` products:read, `payout.*` payouts:read): 403 `forbidden_scope` naming it otherwise.",
        params: IdParamsSchema,
        response: withProblems({ 200: EventSchema }),
      },
    },
    (request) => getEvent(app.services, request.ctx, request.params.id),
  )
}
