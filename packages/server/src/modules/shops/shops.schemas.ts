import { Type, type Static } from 'typebox'

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

export const ShopSchema = Type.Object(
  {
    id: Type.String({ examples: ['shop_01J2PW2F88Q3T4V5W6X7Y8Z9AB'] }),
    name: Type.String(),
    support_email: nullable(SupportEmailSchema),
    logo_url: nullable(LogoUrlSchema),
    brand_color: nullable(BrandColorSchema),
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
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ name: 'Acme Keys', support_email: 'help@acme.test', brand_color: '#0f766e' }],
  },
)

export type Shop = Static<typeof ShopSchema>
export type UpdateShopBody = Static<typeof UpdateShopBodySchema>
