// The committed openapi.json is what the routes generate (no drift), is valid OpenAPI 3.1, and
// documents every route with its problem responses.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv } from 'ajv'
import addFormatsImport from 'ajv-formats'
import { generateOpenApiDocument } from '../src/openapi-document.ts'

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv

const committedPath = new URL('../openapi.json', import.meta.url)

/** The parts of an OpenAPI 3.1 document these tests read. */
type Parameter = { in: string; name: string; required?: boolean; description: string }
type MediaType = { schema: { examples?: unknown[] } & Record<string, unknown>; example?: unknown }
type Operation = {
  security?: unknown
  operationId?: string
  responses: Record<string, unknown>
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, MediaType> }
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } }
const readDocument = (): Document => JSON.parse(readFileSync(committedPath, 'utf8')) as Document

describe('openapi.json', () => {
  it('matches the route schemas (run `npm run openapi` after changing a route)', async () => {
    const generated = await generateOpenApiDocument()
    assert.equal(
      readFileSync(committedPath, 'utf8'),
      generated,
      'openapi.json is stale: run `npm run openapi` and commit it',
    )
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(readFileSync(committedPath, 'utf8')))
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2))
  })

  it('documents every /v1 operation with bearer or session auth, an operationId and every problem response', () => {
    const document = readDocument()
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
      )
    assert.ok(operations.length >= 9)
    for (const { name, op } of operations) {
      assert.deepEqual(op.security, [{ bearer: [] }, { session: [] }], name)
      assert.ok(op.operationId, `${name} has an operationId`)
      for (const status of ['400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503']) {
        assert.ok(op.responses[status], `${name} documents ${status}`)
      }
    }
    assert.ok(document.components.schemas.Problem, 'the problem schema is a shared component')
  })

  // The reference's "Try it" prefills a body from its example; without one it sends empty strings (a 422).
  it('gives every POST and PATCH body an example that its own schema accepts', () => {
    const document = readDocument()
    const ajv = addFormats(new Ajv({ strict: false, allErrors: true }))
    let checked = 0
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const media = op.requestBody?.content?.['application/json']
        if (!['post', 'patch'].includes(method) || !media) continue
        const name = `${method.toUpperCase()} ${path}`
        // "Try it" reads the schema's own examples; other tools read the media type's example.
        const example = media.schema.examples?.[0]
        assert.ok(example !== undefined, `${name} has a body example`)
        assert.deepEqual(media.example, example, `${name}: the media type shows the same example`)
        const validate = ajv.compile({ ...media.schema, components: document.components })
        assert.ok(
          validate(example),
          `${name}: its example ${JSON.stringify(example)} fails its schema: ${ajv.errorsText(validate.errors)}`,
        )
        checked++
      }
    }
    assert.ok(checked >= 15, `${checked} bodies checked`)
  })

  it('documents Idempotency-Key on every POST, required where the API requires it', () => {
    const document = readDocument()
    const posts = Object.entries(document.paths).flatMap(([path, methods]) =>
      methods.post ? [{ path, op: methods.post }] : [],
    )
    assert.ok(posts.length >= 12)
    for (const { path, op } of posts) {
      const header = (op.parameters ?? []).find((p) => p.in === 'header' && p.name === 'Idempotency-Key')
      assert.ok(header, `POST ${path} documents Idempotency-Key`)
      assert.equal(
        header.required,
        ['/v1/orders/{id}/refunds', '/v1/payouts'].includes(path),
        `POST ${path}: required only on refunds and payouts`,
      )
      assert.match(header.description, /replays/)
    }
  })
})
