// Hostile input never breaks the API: random bodies, query strings and ids sent to every route of
// the OpenAPI document get an answer below 500, and every non-2xx is a proper problem.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'

const ROUNDS_PER_ROUTE = 60

/** A small seeded PRNG (mulberry32), so a failure can be replayed from the printed seed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const STRINGS = [
  '',
  ' ',
  'USD',
  'license_key',
  'active',
  '0',
  '-1',
  '1e309',
  'null',
  '__proto__',
  '😀'.repeat(50),
  'x'.repeat(5000),
  '\u0000',
  '%00',
  '../../etc/passwd',
  "' OR 1=1 --",
  'prod_01J2PVQR41XKZ0Q6V1H8D3M9TE',
]
const NUMBERS = [0, -1, 1, 1.5, 2 ** 53, -(2 ** 53), 1e308, 12900, 100_000_000_001]

function value(next: () => number, depth = 0): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!
  switch (Math.floor(next() * (depth > 2 ? 5 : 7))) {
    case 0:
      return pick(STRINGS)
    case 1:
      return pick(NUMBERS)
    case 2:
      return next() < 0.5
    case 3:
      return null
    case 4:
      return pick(['name', 'type', 'items', 'abilities', 'mode', 'price_cents'])
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1))
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 5) }, () => [
          pick([
            'name',
            'type',
            'price_cents',
            'currency',
            'stock',
            'status',
            'description',
            'items',
            'abilities',
            'mode',
            '__proto__',
            'constructor',
          ]),
          value(next, depth + 1),
        ]),
      )
  }
}

/** Mostly valid bodies with one field broken, plus wholly random ones. */
function body(next: () => number): unknown {
  if (next() < 0.5) return value(next)
  const base: Record<string, unknown> = {
    ...sampleProduct(),
    items: ['A', 'B'],
    abilities: ['products:read'],
    mode: 'test',
  }
  const field = Object.keys(base)[Math.floor(next() * Object.keys(base).length)]!
  base[field] = value(next)
  return base
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: fuzzed requests`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { RATE_LIMIT_READS: '1000000', RATE_LIMIT_WRITES: '1000000' })
    })
    after(() => env.close())

    it('answers random bodies, queries and ids on every route without a 5xx', async () => {
      const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
      const next = random(seed)
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = (await api.post('/v1/products', sampleProduct())).json()
      const doc = env.app.swagger() as unknown as { paths: Record<string, Record<string, unknown>> }
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
          for (let round = 0; round < ROUNDS_PER_ROUTE; round++) {
            const id = next() < 0.7 ? product.id : String(value(next))
            const url =
              path.replace('{id}', encodeURIComponent(id)) +
              (next() < 0.5
                ? `?limit=${encodeURIComponent(String(value(next)))}&cursor=${encodeURIComponent(String(value(next)))}`
                : '')
            const payload = method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(body(next))
            const response = await api.send(
              method as 'POST',
              url,
              payload,
              payload ? { 'content-type': 'application/json' } : {},
            )
            const where = `seed ${seed}: ${method} ${url.slice(0, 120)} ${String(payload).slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`
            assert.ok(response.statusCode < 500, where)
            if (response.statusCode >= 400)
              assert.doesNotThrow(() => problem(response, response.statusCode, response.json().type), where)
          }
        }
      }
    })
  })
}
