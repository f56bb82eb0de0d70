import { Type, type Static } from 'typebox'
import { SecretOmittedSchema, StringEnum } from '../../platform/http/schemas.ts'
import { PageQuerySchema } from '../../platform/pagination.ts'

export const PRODUCT_TYPES = ['license_key', 'account', 'file_download', 'dynamic', 'physical', 'subscription'] as const
export const PRODUCT_STATUSES = ['active', 'archived', 'draft'] as const
/** Types whose stock is the count of unsold items in their pool. */
export const POOL_TYPES: ReadonlySet<string> = new Set(['license_key', 'account'])
export const MAX_PRICE_CENTS = 100_000_000_000
export const MAX_IMPORT_ITEMS = 100_000

export const INTERVALS = ['day', 'week', 'month', 'year'] as const
export type ProductType = (typeof PRODUCT_TYPES)[number]
export type ProductStatus = (typeof PRODUCT_STATUSES)[number]

const ProductTypeSchema = StringEnum(PRODUCT_TYPES, {
  description: 'Decides which delivery strategy fires on payment.',
})
const ProductStatusSchema = StringEnum(PRODUCT_STATUSES, { description: 'Lifecycle status.' })
const Timestamp = Type.String({ format: 'date-time' })
const Name = Type.String({ minLength: 1, maxLength: 200, description: 'Display name shown on the storefront.' })
const PriceCents = Type.Integer({
  minimum: 0,
  maximum: MAX_PRICE_CENTS,
  description: 'Price in the smallest unit of `currency`.',
})
const Description = Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()], {
  description: 'Markdown-flavoured description body.',
})
const Stock = Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000_000 }), Type.Null()], {
  description:
    '`null` = unlimited / pool-driven. For license_key and account products it is always the count of unsold pool items and cannot be set.',
})

export const ProductSchema = Type.Object(
  {
    id: Type.String({ examples: ['prod_01J2PVQR41XKZ0Q6V1H8D3M9TE'] }),
    name: Type.String(),
    slug: Type.String(),
    type: ProductTypeSchema,
    price_cents: Type.Integer(),
    currency: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    stock: Type.Union([Type.Integer(), Type.Null()]),
    status: ProductStatusSchema,
    livemode: Type.Boolean(),
    dynamic_url: Type.Union([Type.String(), Type.Null()], {
      description: 'dynamic: the endpoint sx POSTs to at delivery.',
    }),
    signing_secret: Type.Optional(
      Type.String({
        description:
          'dynamic: signs the delivery calls (`whsec_…`). Returned once, on create, and not on its idempotent replay (`secret_omitted`).',
      }),
    ),
    secret_omitted: SecretOmittedSchema,
    interval: Type.Union([StringEnum(INTERVALS), Type.Null()], { description: 'subscription: the billing period.' }),
    file: Type.Union([Type.Object({ name: Type.String(), size: Type.Integer(), sha256: Type.String() }), Type.Null()], {
      description: 'file_download: the uploaded file.',
    }),
    image_url: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
      description:
        'The product image (PUT /v1/products/{id}/image), served publicly at a content-hashed URL that never changes; null when none.',
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Product' },
)

const DynamicUrl = Type.String({
  maxLength: 2048,
  format: 'uri',
  description: 'dynamic products: the endpoint sx POSTs to at delivery (https in live mode).',
})
const Interval = StringEnum(INTERVALS, { description: 'subscription products: the billing period.' })

export const CreateProductBodySchema = Type.Object(
  {
    name: Name,
    type: ProductTypeSchema,
    price_cents: PriceCents,
    currency: Type.String({
      pattern: '^[A-Z]{3}$',
      description: 'Three-letter ISO-4217 code, upper case (USD, EUR, GBP).',
    }),
    description: Type.Optional(Description),
    stock: Type.Optional(Stock),
    status: Type.Optional(ProductStatusSchema),
    dynamic_url: Type.Optional(DynamicUrl),
    interval: Type.Optional(Interval),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'Adobe Creative Cloud Key',
        type: 'license_key',
        price_cents: 12900,
        currency: 'USD',
        description: 'A one-year licence key, delivered at once.',
      },
    ],
  },
)

export const UpdateProductBodySchema = Type.Object(
  {
    name: Type.Optional(Name),
    price_cents: Type.Optional(PriceCents),
    status: Type.Optional(ProductStatusSchema),
    description: Type.Optional(Description),
    stock: Type.Optional(Stock),
    dynamic_url: Type.Optional(DynamicUrl),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ price_cents: 9900, status: 'active' }] },
)

export const UpdatedProductSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.Optional(Type.String()),
    price_cents: Type.Optional(Type.Integer()),
    status: Type.Optional(ProductStatusSchema),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    stock: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    dynamic_url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    updated_at: Timestamp,
  },
  { description: 'The id, the fields that were sent, and `updated_at`.' },
)

export const DeletedProductSchema = Type.Object({
  id: Type.String(),
  deleted: Type.Literal(true),
  archived_at: Timestamp,
})

export const ListProductsQuerySchema = Type.Object(
  { ...PageQuerySchema, status: Type.Optional(ProductStatusSchema), type: Type.Optional(ProductTypeSchema) },
  { additionalProperties: false },
)

export const ImportStockBodySchema = Type.Object(
  {
    items: Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), {
      minItems: 1,
      maxItems: MAX_IMPORT_ITEMS,
      description:
        'Pool items (license keys, account credentials), trimmed; items already in the pool or repeated are counted as duplicates.',
    }),
  },
  { additionalProperties: false, examples: [{ items: ['KEY-7F3A-0001', 'KEY-7F3A-0002'] }] },
)

export const ImportStockResultSchema = Type.Object({
  imported: Type.Integer(),
  duplicates: Type.Integer(),
  stock_after: Type.Integer(),
})

export type Product = Static<typeof ProductSchema>
export type CreateProductBody = Static<typeof CreateProductBodySchema>
export type UpdateProductBody = Static<typeof UpdateProductBodySchema>
export type ListProductsQuery = Static<typeof ListProductsQuerySchema>
export type ImportStockBody = Static<typeof ImportStockBodySchema>

// The payload of the product events (the event catalogue is platform/outbox/outbox.ts).
declare module '../../platform/outbox/outbox.ts' {
  interface EventPayloads {
    'product.created': Product
    'product.updated': Product
    'product.deleted': Product
  }
}
