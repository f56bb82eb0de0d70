// The committed openapi.json is what the routes generate (no drift), is valid OpenAPI 3.1, and
// documents every route with its problem responses.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { Validator } from '@seriousme/openapi-schema-validator'
import { generateOpenApiDocument } from '../src/openapi-document.ts'

const committedPath = new URL('../openapi.json', import.meta.url)

describe('openapi.json', () => {
  it('matches the route schemas (run `npm run openapi` after changing a route)', async () => {
    const generated = await generateOpenApiDocument()
    assert.equal(readFileSync(committedPath, 'utf8'), generated, 'openapi.json is stale: run `npm run openapi` and commit it')
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(readFileSync(committedPath, 'utf8')))
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2))
  })

  it('documents every /v1 operation with bearer auth, an operationId and every problem response', () => {
    const document = JSON.parse(readFileSync(committedPath, 'utf8'))
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })))
    assert.ok(operations.length >= 9)
    for (const { name, op } of operations) {
      assert.deepEqual(op.security, [{ bearer: [] }], name)
      assert.ok(op.operationId, `${name} has an operationId`)
      for (const status of ['400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503']) {
        assert.ok(op.responses[status], `${name} documents ${status}`)
      }
    }
    assert.ok(document.components.schemas.Problem, 'the problem schema is a shared component')
  })
})
