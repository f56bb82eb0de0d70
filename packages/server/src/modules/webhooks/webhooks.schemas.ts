import { Type, type Static } from 'typebox'
import { SecretOmittedSchema, StringEnum } from '../../platform/http/schemas.ts'
import { PageQuerySchema } from '../../platform/pagination.ts'
import { EVENT_TYPES, type EventFamily } from '../../platform/outbox/outbox.ts'

/** What `events` takes: every event type, a family wildcard, or `*`. */
export const EVENT_PATTERNS = [
  ...EVENT_TYPES,
  ...(['product.*', 'coupon.*', 'payout.*', 'order.*'] as const satisfies readonly `${EventFamily}.*`[]),
  '*',
] as const
export const WEBHOOK_STATUSES = ['active', 'disabled'] as const
export const DELIVERY_TRIGGERS = ['scheduled', 'manual', 'test'] as const
/** Endpoints per shop and mode. */
export const MAX_ENDPOINTS = 16

const Timestamp = Type.String({ format: 'date-time' })
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Where sx POSTs events: https:// in live mode; test mode also takes http:// and loopback.',
})
const Events = Type.Array(StringEnum(EVENT_PATTERNS), {
  minItems: 1,
  maxItems: 32,
  uniqueItems: true,
  description: 'Event types to receive; `product.*`, `coupon.*`, `payout.*`, `order.*` or `*` for families or all.',
})
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()], {
  description: 'Human-readable note. Shown in the dashboard.',
})

export const WebhookSchema = Type.Object({
  id: Type.String({ examples: ['wh_01J2PVT0KZ8Q2ZP6V1H3M9TE4X'] }),
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  status: StringEnum(WEBHOOK_STATUSES),
  disabled_reason: Type.Union([Type.String(), Type.Null()], {
    description:
      '`gone`: the receiver answered 410; `failing`: every attempt failed for 48 h; null when active or disabled by the merchant.',
  }),
  livemode: Type.Boolean(),
  signing_secret: Type.Optional(
    Type.String({
      description:
        '`whsec_…`: returned on create and rotate only, and not on their idempotent replays (`secret_omitted`).',
    }),
  ),
  secret_omitted: SecretOmittedSchema,
  previous_secret_expires_at: Type.Union([Timestamp, Type.Null()], {
    description: 'After a rotation: until when the old secret also signs.',
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
})

export const CreateWebhookBodySchema = Type.Object(
  { url: Url, events: Events, description: Type.Optional(Description) },
  {
    additionalProperties: false,
    examples: [
      { url: 'https://example.com/webhooks/sx', events: ['order.paid', 'order.delivered'], description: 'Fulfilment' },
    ],
  },
)

export const UpdateWebhookBodySchema = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    status: Type.Optional(
      StringEnum(WEBHOOK_STATUSES, { description: '`active` re-enables an endpoint sx disabled.' }),
    ),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ events: ['*'], status: 'active' }] },
)

export const DeletedWebhookSchema = Type.Object({ id: Type.String(), deleted: Type.Literal(true) })

export const WebhookDeliverySchema = Type.Object({
  id: Type.String({ examples: ['whd_01J2PVT0KZ8Q2ZP6V1H3M9TE4X'] }),
  webhook_id: Type.String(),
  event_id: Type.String(),
  event_type: Type.String(),
  attempt: Type.Integer({ description: 'Which attempt of this event at this endpoint (1 = first).' }),
  trigger: StringEnum(DELIVERY_TRIGGERS, {
    description: '`scheduled` by the retry engine, `manual` retry, or `test` ping.',
  }),
  status: StringEnum(['succeeded', 'failed'] as const),
  response_code: Type.Union([Type.Integer(), Type.Null()], {
    description: 'null when no answer came (timeout, refused, DNS).',
  }),
  error: Type.Union([Type.String(), Type.Null()]),
  response_excerpt: Type.Union([Type.String(), Type.Null()], {
    description: 'The first 1,024 characters of the answer.',
  }),
  duration_ms: Type.Integer(),
  next_retry_at: Type.Union([Timestamp, Type.Null()], {
    description: 'When the next automatic attempt is due; null when none will follow.',
  }),
  created_at: Timestamp,
})

export const TestResultSchema = Type.Object({
  delivered: Type.Boolean(),
  response_code: Type.Union([Type.Integer(), Type.Null()]),
  delivery_ms: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  delivery_id: Type.String({ description: 'The logged attempt (trigger `test`).' }),
})

export const DeliveryParamsSchema = Type.Object(
  { id: Type.String({ maxLength: 64 }), delivery_id: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
)

export const ListWebhooksQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    status: Type.Optional(
      StringEnum(WEBHOOK_STATUSES, {
        description: '`disabled` lists the endpoints that receive nothing until re-enabled.',
      }),
    ),
  },
  { additionalProperties: false },
)
export const ListDeliveriesQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    event_id: Type.Optional(Type.String({ maxLength: 64, description: 'Only the attempts of this event.' })),
  },
  { additionalProperties: false },
)

export const EventSchema = Type.Object({
  id: Type.String({ examples: ['evt_01J2PVT0KZ8Q2ZP6V1H3M9TE4X'] }),
  type: Type.String(),
  created_at: Timestamp,
  livemode: Type.Boolean(),
  data: Type.Unknown({ description: 'The object as the API showed it when the event happened.' }),
})

export const ListEventsQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    type: Type.Optional(StringEnum(EVENT_TYPES, { description: 'Only events of this type.' })),
    object_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'Only events about this object (an order, product, payout or customer id, the `data.id` of the event), e.g. an order’s timeline.',
      }),
    ),
  },
  { additionalProperties: false },
)

export type Webhook = Static<typeof WebhookSchema>
export type CreateWebhookBody = Static<typeof CreateWebhookBodySchema>
export type UpdateWebhookBody = Static<typeof UpdateWebhookBodySchema>
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>
export type TestResult = Static<typeof TestResultSchema>
export type ListWebhooksQuery = Static<typeof ListWebhooksQuerySchema>
export type ListDeliveriesQuery = Static<typeof ListDeliveriesQuerySchema>
export type ListEventsQuery = Static<typeof ListEventsQuerySchema>
export type ApiEvent = Static<typeof EventSchema>
