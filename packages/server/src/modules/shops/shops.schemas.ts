import { Type, type Static } from 'typebox'
import { StringEnum } from '../../platform/http/schemas.ts'
import { CHAINS } from '../payments/index.ts'

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])
const SupportEmailSchema = Type.String({ maxLength: 254, format: 'email' })
const LogoUrlSchema = Type.String({
  maxLength: 2048,
  pattern: '^https://',
  description:
    "An https URL of the logo image (shown about 40 px high). The buyer's browser loads it from there, so the checkout page then makes that one outside request; leave it null to keep the page free of any.",
})
const BrandColorSchema = Type.String({
  pattern: '^#[0-9a-fA-F]{6}$',
  description: '`#rrggbb`: buttons and links on the checkout page and in the order emails.',
})

const SlugSchema = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$',
  description:
    'The shop pages are at `PUBLIC_URL/s/<slug>`: 3–40 characters, a-z, 0-9 and dashes (not first or last), unique. Derived from the name when the shop is created.',
})
const CustomDomainSchema = Type.String({
  maxLength: 253,
  description:
    "A hostname (`shop.example.com`, no scheme or port) pointed at this server: requests naming it in their Host header get the shop's page at `/` and its product pages at `/<product slug>`. Unique.",
})
export const STOREFRONT_MODES = ['test', 'live'] as const
const StorefrontModeSchema = StringEnum(STOREFRONT_MODES, {
  description:
    "Which mode's products the shop pages show and sell. `live` needs a live payment rail configured on the server (409 otherwise); `test` pages carry a visible test banner.",
})
const PaymentMethodSchema = Type.Object(
  { chain: StringEnum(CHAINS), asset: Type.String({ maxLength: 16 }) },
  { additionalProperties: false },
)
const MethodListSchema = Type.Array(PaymentMethodSchema, { minItems: 1, maxItems: 64 })

export const ShopSchema = Type.Object(
  {
    id: Type.String({ examples: ['shop_01J2PW2F88Q3T4V5W6X7Y8Z9AB'] }),
    name: Type.String(),
    support_email: nullable(SupportEmailSchema),
    logo_url: nullable(LogoUrlSchema),
    brand_color: nullable(BrandColorSchema),
    slug: SlugSchema,
    url: Type.String({ format: 'uri', description: "The shop's page: `PUBLIC_URL/s/<slug>`." }),
    storefront_mode: StorefrontModeSchema,
    custom_domain: nullable(CustomDomainSchema),
    payment_methods: Type.Object(
      { test: Type.Array(PaymentMethodSchema), live: Type.Array(PaymentMethodSchema) },
      {
        description:
          "The chain and asset pairs the shop's buyers may pay with, per mode. Unless set, every pair the mode offers: all sandbox pairs in test mode, every configured live pair in live mode (none without a live rail).",
      },
    ),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Shop' },
)

export const UpdateShopBodySchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    support_email: Type.Optional(nullable(SupportEmailSchema)),
    logo_url: Type.Optional(nullable(LogoUrlSchema)),
    brand_color: Type.Optional(nullable(BrandColorSchema)),
    slug: Type.Optional(SlugSchema),
    storefront_mode: Type.Optional(StorefrontModeSchema),
    custom_domain: Type.Optional(nullable(CustomDomainSchema)),
    payment_methods: Type.Optional(
      Type.Object(
        {
          test: Type.Optional(Type.Union([MethodListSchema, Type.Null()])),
          live: Type.Optional(Type.Union([MethodListSchema, Type.Null()])),
        },
        {
          additionalProperties: false,
          description:
            'Per mode, the pairs to accept (each must be one the mode offers), or null for all of them. A mode left out keeps its list.',
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ name: 'Acme Keys', support_email: 'help@acme.test', brand_color: '#0f766e' }],
  },
)

export type Shop = Static<typeof ShopSchema>
export type PaymentMethods = Shop['payment_methods']
export type UpdateShopBody = Static<typeof UpdateShopBodySchema>
