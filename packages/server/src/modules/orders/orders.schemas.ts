import { Type, type Static } from 'typebox'
import { StringEnum } from '../../platform/http/schemas.ts'
import { PageQuerySchema } from '../../platform/pagination.ts'
import { CHAINS, INVOICE_STATUSES } from '../payments/index.ts'
import { PRODUCT_TYPES } from '../catalog/index.ts'

export const ORDER_STATUSES = [
  'pending',
  'awaiting_payment',
  'paid',
  'delivering',
  'completed',
  'failed',
  'refunded',
] as const
export const DELIVERY_STATES = ['pending', 'in_progress', 'delivered', 'failed', 'awaiting_fulfilment'] as const
export const MAX_LINES = 50
export const MAX_QTY = 100

export type OrderStatus = (typeof ORDER_STATUSES)[number]
export type DeliveryState = (typeof DELIVERY_STATES)[number]

const Timestamp = Type.String({ format: 'date-time' })
const NullableTimestamp = Type.Union([Timestamp, Type.Null()])
const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max })

const ShippingAddressSchema = Type.Object(
  {
    name: Text(200),
    line1: Text(200),
    line2: Type.Optional(Text(200, 0)),
    city: Text(100),
    state: Type.Optional(Text(100, 0)),
    postal_code: Text(20),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, upper case.' }),
    phone: Type.Optional(Text(40, 0)),
  },
  { additionalProperties: false, description: 'Where physical goods go; required when an item is a physical product.' },
)

export const CreateOrderBodySchema = Type.Object(
  {
    customer_email: Type.String({
      format: 'email',
      maxLength: 254,
      description: 'Where the goods and receipts are sent.',
    }),
    items: Type.Array(
      Type.Object(
        { product_id: Type.String({ maxLength: 64 }), qty: Type.Integer({ minimum: 1, maximum: MAX_QTY }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_LINES, description: 'One line per product; all in one currency.' },
    ),
    chain: Type.Optional(
      StringEnum(CHAINS, { description: 'Network the buyer pays on (default tron). Send with `asset`.' }),
    ),
    asset: Type.Optional(
      Type.String({ pattern: '^[A-Z0-9]{2,10}$', description: 'Asset on that chain (default USDT).' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Internal note, not shown to the buyer.' })),
    coupon: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'A coupon code of this shop (any letter case): checked and counted with the order, 422 on `coupon` when it does not apply.',
      }),
    ),
    shipping_address: Type.Optional(ShippingAddressSchema),
  },
  {
    additionalProperties: false,
    examples: [
      {
        customer_email: 'buyer@example.com',
        items: [{ product_id: 'prod_01J2PVS78B4X8Q2ZP6V1H3M9TE', qty: 1 }],
        chain: 'tron',
        asset: 'USDT',
      },
    ],
  },
)

const DeliveredItemSchema = Type.Object({
  product_id: Type.String(),
  kind: StringEnum(PRODUCT_TYPES),
  value: Type.Optional(Type.String({ description: 'A license key, account credentials or a dynamic item.' })),
  url: Type.Optional(Type.String({ description: 'file_download: the download link.' })),
  expires_at: Type.Optional(Timestamp),
  max_downloads: Type.Optional(Type.Integer()),
  carrier: Type.Optional(Type.String()),
  tracking_number: Type.Optional(Type.String()),
  period_start: Type.Optional(Timestamp),
  period_end: Type.Optional(Timestamp),
})

export const OrderSchema = Type.Object(
  {
    id: Type.String({ examples: ['ord_01J2PVP4XJ7Q2ZP6V1H3M9TEAB'] }),
    status: StringEnum(ORDER_STATUSES),
    total_cents: Type.Integer({ description: 'What the buyer pays: the lines less `discount_cents`.' }),
    discount_cents: Type.Integer({ description: "The coupon's discount; 0 without one." }),
    coupon: Type.Union([Type.String(), Type.Null()], { description: 'The coupon code the order used, or null.' }),
    refunded_cents: Type.Integer({
      description:
        'Committed to refunds (processing or succeeded); the order is `refunded` once succeeded refunds cover the total.',
    }),
    currency: Type.String(),
    customer_email: Type.String(),
    customer_id: Type.String(),
    livemode: Type.Boolean(),
    note: Type.Union([Type.String(), Type.Null()]),
    shipping_address: Type.Union([ShippingAddressSchema, Type.Null()]),
    failure_reason: Type.Union([
      StringEnum(['payment_expired', 'provider_unavailable', 'delivery_failed']),
      Type.Null(),
    ]),
    checkout_url: Type.String({
      description: "The buyer's page: payment instructions, then the goods. Unguessable; also in the emails.",
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
    expires_at: Timestamp,
    paid_at: Type.Union([Timestamp, Type.Null()], {
      description:
        'When the invoice was paid in full; also set by a payment in full after expiry (the order stays failed, the money is credited and refundable).',
    }),
    payment: Type.Object({
      provider: Type.String(),
      chain: StringEnum(CHAINS),
      asset: Type.String(),
      address: Type.Union([Type.String(), Type.Null()]),
      amount: Type.Union([Type.String(), Type.Null()], { description: "Exact amount due, in the asset's units." }),
      amount_paid: Type.String(),
      amount_remaining: Type.Union([Type.String(), Type.Null()]),
      overpaid_amount: Type.String({
        description: 'Received beyond the amount due (recorded, never delivered twice).',
      }),
      status: StringEnum(INVOICE_STATUSES),
      tx_hash: Type.Union([Type.String(), Type.Null()]),
      expires_at: Timestamp,
    }),
    items: Type.Array(
      Type.Object({
        product_id: Type.String(),
        product: Type.String({ description: "The product's name when ordered." }),
        type: StringEnum(PRODUCT_TYPES),
        qty: Type.Integer(),
        unit_price_cents: Type.Integer(),
        subtotal_cents: Type.Integer(),
      }),
    ),
    delivery: Type.Object({
      kind: Type.String({ description: 'The product type delivered, or `mixed`.' }),
      state: StringEnum(DELIVERY_STATES),
      delivered_at: NullableTimestamp,
      items: Type.Array(DeliveredItemSchema),
    }),
  },
  { $id: 'Order' },
)

export const ListOrdersQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    status: Type.Optional(StringEnum(ORDER_STATUSES, { description: 'Filter by order status.' })),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 254,
        description:
          'Search: an order id (`ord_…`, that order) or any part of the customer’s email, case-insensitive (`buyer@`, `@example.com`).',
      }),
    ),
    customer_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "Only this customer's orders (`cus_…`)." }),
    ),
    delivery_state: Type.Optional(
      StringEnum(DELIVERY_STATES, {
        description:
          'Filter by `delivery.state`: `awaiting_fulfilment` lists paid physical orders to ship, `failed` the deliveries to run again.',
      }),
    ),
    from: Type.Optional(
      Type.String({
        maxLength: 40,
        description:
          'Created at or after this RFC 3339 date (`2026-05-26`, from the start of that UTC day) or date-time with an offset (`2026-05-26T10:00:00Z`, `…+02:00`).',
      }),
    ),
    to: Type.Optional(
      Type.String({
        maxLength: 40,
        description:
          'Created at or before this RFC 3339 date (inclusive: a date covers that whole UTC day) or date-time with an offset.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const FulfilBodySchema = Type.Object(
  { carrier: Text(100), tracking_number: Text(100) },
  { additionalProperties: false, examples: [{ carrier: 'DHL', tracking_number: 'JD014600006281230704' }] },
)

export const PayBodySchema = Type.Object(
  {
    // 10^15 whole coins is beyond the supply of every asset sx takes; 18 is the most decimals any has.
    amount: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,15}(\\.[0-9]{1,18})?$',
        description:
          'In the asset\'s units ("25.000000"): at most 15 whole digits and the asset\'s decimals; default: what is left to pay.',
      }),
    ),
    tx_hash: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'Default: a deterministic fake hash.' }),
    ),
  },
  { additionalProperties: false, examples: [{}] },
)

export const ResendResultSchema = Type.Object({
  sent_at: Timestamp,
  recipient: Type.String(),
  delivery_kind: Type.String(),
})

export type Order = Static<typeof OrderSchema>
export type DeliveredItem = Static<typeof DeliveredItemSchema>
export type CreateOrderBody = Static<typeof CreateOrderBodySchema>
export type ListOrdersQuery = Static<typeof ListOrdersQuerySchema>
export type FulfilBody = Static<typeof FulfilBodySchema>
export type PayBody = Static<typeof PayBodySchema>

// The payload of the order events (the event catalogue is platform/outbox/outbox.ts).
declare module '../../platform/outbox/outbox.ts' {
  interface EventPayloads {
    'order.paid': Order
    'order.refunded': Order
    'order.delivered': Order
    'order.failed': Order
  }
}
