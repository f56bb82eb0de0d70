// Text no field has a use for (NUL and the other control characters, unpaired surrogates) is
// refused with a 422 naming the field, on every route and in every part of a request — JSON
// bodies, query strings, path params, buyer links — before anything reaches SQL. PostgreSQL
// cannot store a NUL in text (a 500 before), SQLite would have stored it. Routes and fields are
// walked from the app's own OpenAPI document, so a new route or field is covered without a recipe.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'

type Schema = {
  type?: string | string[]
  enum?: unknown[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  format?: string
}
type Operation = {
  parameters?: { in: string; name: string }[]
  requestBody?: { content: Record<string, { schema: Schema }> }
}

const NUL = 'a\u0000b'
const REFUSED_MESSAGE = /control characters \(found U\+0000\)/
const SOME_ID = 'x_00000000000000000000000000'

/** A value of the schema's type: only there so that no required field is missing (a 400). */
function filler(schema: Schema): unknown {
  const branch = schema.anyOf ?? schema.oneOf
  if (branch) return filler(branch[0]!)
  if (schema.enum) return schema.enum[0]
  switch ([schema.type].flat()[0]) {
    case 'string':
      return schema.format === 'email' ? 'buyer@example.com' : schema.format === 'uri' ? 'http://127.0.0.1:9/x' : 'x'
    case 'integer':
    case 'number':
      return 1
    case 'boolean':
      return true
    case 'array':
      return [filler(schema.items ?? {})]
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, filler(schema.properties![key]!)]))
    default:
      return null
  }
}

/** Every string a body can hold, as a path of keys (array items as index 0). */
function stringPaths(schema: Schema, path: (string | number)[] = []): (string | number)[][] {
  const branches = schema.anyOf ?? schema.oneOf
  if (branches)
    return branches.some((b) => [b.type].flat().includes('string'))
      ? [path]
      : branches.flatMap((b) => stringPaths(b, path))
  const type = [schema.type].flat()[0]
  if (type === 'string') return [path]
  if (type === 'array') return stringPaths(schema.items ?? {}, [...path, 0])
  if (type === 'object')
    return Object.entries(schema.properties ?? {}).flatMap(([key, inner]) => stringPaths(inner, [...path, key]))
  return []
}

/** The schema's filler with `value` at `path` (the objects on the way get their required fields). */
function bodyWith(schema: Schema, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value
  const [head, ...rest] = path
  const branch = schema.anyOf ?? schema.oneOf
  if (branch) return bodyWith(branch.find((b) => b.type === 'object' || b.type === 'array') ?? branch[0]!, path, value)
  if (typeof head === 'number') return [bodyWith(schema.items ?? {}, rest, value)]
  const base = filler(schema) as Record<string, unknown>
  return { ...base, [head!]: bodyWith(schema.properties![head!]!, rest, value) }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: control characters in requests`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { RATE_LIMIT_READS: '100000', RATE_LIMIT_WRITES: '100000' })
    })
    after(() => env.close())

    it('answers a NUL in any path param, query param or body string of every route with a 422 naming it', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const doc = env.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }
      const covered: string[] = []
      const expectRefused = async (label: string, field: string, send: () => ReturnType<typeof api.send>) => {
        const response = await send()
        const body = problem(response, 422, 'unprocessable')
        assert.ok(
          body.errors?.[field]?.some((m) => REFUSED_MESSAGE.test(m)),
          `${label}: ${response.body}`,
        )
        covered.push(`${label} ${field}`)
      }
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [lower, operation] of Object.entries(operations)) {
          const method = lower.toUpperCase() as 'GET'
          const params = operation.parameters ?? []
          const url = (nulIn?: string) =>
            path.replace(/\{(\w+)\}/g, (_, name) => (name === nulIn ? encodeURIComponent(NUL) : SOME_ID))
          const schema = operation.requestBody?.content['application/json']?.schema
          const validBody = schema ? JSON.stringify(filler(schema)) : undefined
          const send = (target: string, payload = validBody) =>
            api.send(method, target, payload, payload === undefined ? {} : { 'content-type': 'application/json' })
          for (const param of params.filter((p) => p.in === 'path')) {
            await expectRefused(`${method} ${path}`, param.name, () => send(url(param.name)))
          }
          for (const param of params.filter((p) => p.in === 'query')) {
            await expectRefused(`${method} ${path}`, param.name, () =>
              send(`${url()}?${param.name}=${encodeURIComponent(NUL)}`),
            )
          }
          if (!schema) continue
          for (const field of stringPaths(schema)) {
            await expectRefused(`${method} ${path}`, field.join('.'), () =>
              send(url(), JSON.stringify(bodyWith(schema, field, NUL))),
            )
          }
        }
      }
      // The kinds of fields the audit found answering 500 on PostgreSQL are all among them.
      for (const expected of [
        'POST /v1/products name',
        'POST /v1/products description',
        'PATCH /v1/products/{id} name',
        'POST /v1/products/{id}/stock items.0',
        'POST /v1/orders note',
        'POST /v1/orders items.0.product_id',
        'POST /v1/orders/{id}/fulfil carrier',
        'POST /v1/test_helpers/orders/{id}/pay tx_hash',
        'POST /v1/webhooks url',
        'POST /v1/products dynamic_url',
        'POST /v1/payouts memo',
        'POST /v1/orders/{id}/refunds note',
        'POST /v1/api-keys name',
        'PUT /v1/products/{id}/file filename',
        'GET /v1/orders from',
        'GET /v1/products/{id} id',
        'POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry delivery_id',
      ])
        assert.ok(covered.includes(expected), `not covered: ${expected}`)
      assert.equal((await api.get('/v1/products')).json().data.length, 0, 'nothing was stored')
      assert.equal((await api.get('/v1/webhooks')).json().data.length, 0, 'nothing was stored')
    })

    it('answers buyer links holding a NUL with a 422 before looking them up', async () => {
      for (const path of ['/o/abc%00def', '/o/abc%00def/status', '/dl/abc%00def']) {
        const body = problem(await client(env.app).get(path), 422, 'unprocessable')
        assert.ok(
          body.errors?.token?.some((m) => REFUSED_MESSAGE.test(m)),
          `${path}: ${JSON.stringify(body)}`,
        )
      }
    })

    it('refuses C0 and C1 controls, DEL and unpaired surrogates; keeps tab, newlines, emoji and other text exactly', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const refused: [string, string][] = [
        ['\u0001', 'U+0001'],
        ['x\u001fy', 'U+001F'],
        ['x\u007f', 'U+007F'],
        ['\u0085x', 'U+0085'],
        ['x\u009f', 'U+009F'],
        ['x\ud800', 'unpaired surrogate U+D800'],
        ['\udc00x', 'unpaired surrogate U+DC00'],
      ]
      for (const [text, named] of refused) {
        const body = problem(await api.post('/v1/products', sampleProduct({ description: text })), 422, 'unprocessable')
        assert.ok(
          body.errors?.description?.some((m) => m.includes(named)),
          `${JSON.stringify(text)}: ${JSON.stringify(body)}`,
        )
      }
      // In a key too: the name of an unknown field can hold no NUL either.
      const key = problem(
        await api.post('/v1/products', { ...sampleProduct(), ['na\u0000me']: 'x' }),
        422,
        'unprocessable',
      )
      assert.ok(
        key.errors?.['na\u0000me']?.some((m) => /its name must not contain control characters/.test(m)),
        JSON.stringify(key),
      )

      const kept = 'Line one\n\tLine two\r\nPrice: 5 € 😀 \u200b\ufffe\u00a0ok'
      const created = await api.post('/v1/products', sampleProduct({ name: 'Tab\there', description: kept }))
      assert.equal(created.statusCode, 201, created.body)
      const read = (await api.get(`/v1/products/${created.json().id}`)).json()
      assert.equal(read.description, kept)
      assert.equal(read.name, 'Tab\there')
      const stock = await api.post(`/v1/products/${created.json().id}/stock`, { items: ['KEY-ÄÖÜ-😀', 'KEY-\u0000-X'] })
      assert.deepEqual(problem(stock, 422, 'unprocessable').errors?.['items.1']?.length, 1, stock.body)
      assert.equal((await api.get(`/v1/products/${created.json().id}`)).json().stock, 0, 'the import stored nothing')
    })
  })
}
