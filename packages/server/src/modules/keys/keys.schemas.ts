import { Type, type Static } from 'typebox'
import { ABILITIES } from '../../platform/http/auth.ts'
import { SecretOmittedSchema, StringEnum } from '../../platform/http/schemas.ts'

const AbilitySchema = StringEnum(ABILITIES)
const ModeSchema = StringEnum(['live', 'test'] as const)

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ examples: ['apik_01J2PW2F88Q3T4V5W6X7Y8Z9AB'] }),
    name: Type.String(),
    abilities: Type.Array(AbilitySchema),
    mode: ModeSchema,
    livemode: Type.Boolean(),
    secret_hint: Type.String({ description: 'The key prefix and last four characters, for recognising it.' }),
    created_at: Type.String({ format: 'date-time' }),
    last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'Recorded in memory and written every few seconds, so it may lag by that much.',
    }),
  },
  { $id: 'ApiKey' },
)

export const CreatedApiKeySchema = Type.Object(
  {
    ...ApiKeySchema.properties,
    secret: Type.Optional(
      Type.String({
        description:
          'The full key. It is shown this once and cannot be retrieved again: an idempotent replay of the request leaves it out (`secret_omitted`).',
      }),
    ),
    secret_omitted: SecretOmittedSchema,
  },
  { $id: 'CreatedApiKey' },
)

export const CreateApiKeyBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Human-readable label.' }),
    abilities: Type.Array(AbilitySchema, {
      minItems: 1,
      uniqueItems: true,
      description: 'Permission set this key grants; never more than the calling key holds.',
    }),
    mode: Type.Optional(ModeSchema),
  },
  {
    additionalProperties: false,
    examples: [{ name: 'Storefront reader', abilities: ['products:read', 'orders:write'], mode: 'test' }],
  },
)

export const RevokedApiKeySchema = Type.Object({ id: Type.String(), revoked: Type.Literal(true) })

export type ApiKey = Static<typeof ApiKeySchema>
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>
export type CreateApiKeyBody = Static<typeof CreateApiKeyBodySchema>
