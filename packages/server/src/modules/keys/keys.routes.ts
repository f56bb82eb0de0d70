import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { PageQuerySchema } from '../../platform/pagination.ts'
import { IdParamsSchema, ListSchema, withProblems } from '../../platform/http/schemas.ts'
import { Type } from 'typebox'
import { ApiKeySchema, CreateApiKeyBodySchema, CreatedApiKeySchema, RevokedApiKeySchema } from './keys.schemas.ts'
import { createApiKey, listApiKeys, revokeApiKey } from './keys.service.ts'

const tags = ['API keys']

export const keysRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api-keys',
    {
      config: { ability: 'all' },
      schema: {
        operationId: 'listApiKeys',
        tags,
        summary: 'List API keys',
        description:
          'Active keys of this shop and mode, newest first. Secrets are never listed. Needs a key holding all nine abilities.',
        querystring: Type.Object(PageQuerySchema, { additionalProperties: false }),
        response: withProblems({ 200: ListSchema(ApiKeySchema) }),
      },
    },
    (request) => listApiKeys(app.services, request.ctx, request.query),
  )

  app.post(
    '/api-keys',
    {
      config: { ability: 'all', successStatus: 201, shownOnce: ['secret'] },
      schema: {
        operationId: 'createApiKey',
        tags,
        summary: 'Create an API key',
        description:
          "Mints a key for this shop. The `secret` is returned this once: a replay with the same `Idempotency-Key` answers the key without it and with `secret_omitted: true`. `mode` defaults to the calling key's mode (live for live keys); a live key may mint test-mode keys, a test key never a live one (422). A key cannot grant abilities it lacks. A shop holds at most 100 active keys per mode (MAX_ACTIVE_KEYS): minting another is a 409 until one is revoked.",
        body: CreateApiKeyBodySchema,
        response: withProblems({ 201: CreatedApiKeySchema }),
      },
    },
    (request) => createApiKey(app.services, request.ctx, request.body),
  )

  app.delete(
    '/api-keys/:id',
    {
      config: { ability: 'all' },
      schema: {
        operationId: 'revokeApiKey',
        tags,
        summary: 'Revoke an API key',
        description: 'The key answers 401 from the next request on, on every instance.',
        params: IdParamsSchema,
        response: withProblems({ 200: RevokedApiKeySchema }),
      },
    },
    (request) => revokeApiKey(app.services, request.ctx, request.params.id),
  )
}
