// The OpenAPI 3.1 document, generated from the route schemas, and the interactive reference.
import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'

export const OPENAPI_INFO = {
  title: 'sx API',
  version: '1.0.0',
  description:
    'The sx merchant API. Authenticate with `Authorization: Bearer sx_test_…` (sandbox) or `sx_live_…`. ' +
    'Every non-2xx answer is `application/problem+json`; branch on `type`. Writes accept `Idempotency-Key`.',
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: '/', description: 'This server' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An sx API key.' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'sx_session',
            description:
              "The dashboard's owner session (POST /auth/sign-in): all nine abilities, in the mode switched to by POST /auth/mode. Writes also need the X-CSRF-Token header.",
          },
        },
      },
      tags: [
        { name: 'Products', description: 'Products and their stock pools.' },
        { name: 'API keys', description: 'Scoped keys; management needs a key holding all nine abilities.' },
        {
          name: 'Webhooks',
          description:
            'Signed event deliveries to your endpoints (X-Signature and Standard Webhooks headers), their attempt log, and the events they carry.',
        },
        { name: 'System', description: 'Health, readiness and metrics.' },
        {
          name: 'Dashboard sign-in',
          description:
            "The owner's session for the dashboard (outside /v1): an HttpOnly cookie that /v1 accepts in place of an API key.",
        },
      ],
    },
    // Shared schemas keep their $id as their component name (Problem, Product, …).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const config = (route.config ?? {}) as { ability?: string; idempotencyRequired?: boolean }
      const documented: Record<string, unknown> = { ...schema }
      if (config.ability) documented.security = [{ bearer: [] }, { session: [] }]
      // Documentation only: the idempotency hook reads and checks the header (a schema here would validate it twice).
      if ([route.method].flat().includes('POST'))
        documented.headers = idempotencyHeader(Boolean(config.idempotencyRequired))
      return { schema: documented, url }
    },
    transformObject: (document) =>
      markOptionalBodies(
        withSchemaExamples(
          ('openapiObject' in document ? document.openapiObject : document.swaggerObject) as OpenApiDocument,
        ),
      ),
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

type OpenApiDocument = {
  paths?: Record<
    string,
    Record<
      string,
      { requestBody?: { content?: Record<string, { example?: unknown; schema?: Record<string, unknown> }> } }
    >
  >
}

/**
 * @fastify/swagger moves a body schema's one example up to the media type (`example`); the reference's
 * "Try it" fills its body from the schema's own `examples` and otherwise sends empty strings (a 422).
 * Keep it in both places.
 */
function withSchemaExamples(document: OpenApiDocument): OpenApiDocument {
  for (const methods of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(methods)) {
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        if (media.example !== undefined && media.schema) media.schema.examples = [media.example]
      }
    }
  }
  return document
}

function idempotencyHeader(required: boolean) {
  return {
    type: 'object',
    properties: {
      'Idempotency-Key': {
        type: 'string',
        minLength: 1,
        maxLength: 255,
        pattern: '^[\\x21-\\x7e]+$',
        description:
          (required ? 'Required here. ' : '') +
          'Any unique string per logical request (a UUID, say). Sent again with the same body within 24 h, it replays the stored answer ' +
          '(`Idempotent-Replayed: true`) instead of acting twice; with another body it is a 409. Use a new key for each new request.',
      },
    },
    required: required ? ['Idempotency-Key'] : [],
  }
}

export async function registerReference(app: FastifyInstance): Promise<void> {
  const { default: scalar } = await import('@scalar/fastify-api-reference')
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: {
      url: '/openapi.json',
      title: 'sx API reference',
      // Self-hosted means no third parties: requests go straight to this server (no proxy), with
      // system fonts and without the hosted AI agent. Paste a test key under Authentication.
      proxyUrl: '',
      withDefaultFonts: false,
      agent: { disabled: true },
      showDeveloperTools: 'never',
      telemetry: false,
      authentication: { preferredSecurityScheme: 'bearer' },
    } as Record<string, unknown>,
  })
}

type Operation = {
  requestBody?: {
    required?: boolean
    content?: Record<string, { schema?: { required?: unknown[]; minProperties?: number } }>
  }
}

/** The plugin marks every request body required; a body whose fields are all optional may be left
 *  out (the validator takes no body as `{}`), and the document says so. */
function markOptionalBodies<T extends { paths?: unknown }>(document: T): T {
  for (const operations of Object.values((document.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const operation of Object.values(operations)) {
      const schema = operation.requestBody?.content?.['application/json']?.schema
      if (schema && !schema.required?.length && !schema.minProperties) operation.requestBody!.required = false
    }
  }
  return document
}
