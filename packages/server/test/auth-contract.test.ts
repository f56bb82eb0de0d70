// The auth contract every authenticated route must honour (the idea of unkey's runCommonRouteTests).
// Routes are enumerated from the app's own OpenAPI document, so a new route without a recipe below
// fails this file instead of silently skipping the contract (the recipes: auth-contract.recipes.ts).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { ABILITIES } from '../src/platform/http/auth.ts'
import { paySandboxInvoice } from '../src/modules/orders/index.ts'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { idempotent } from './money-helpers.ts'
import {
  PAYOUT_BODY,
  RECIPES,
  randomTail,
  hookUrl,
  orderBody,
  type Made,
  type ObjectKind,
} from './auth-contract.recipes.ts'

type Route = { key: string; method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT'; path: string; success: number }

/** The authenticated operations of the OpenAPI document, with their documented success status. */
function authenticatedRoutes(env: TestEnv): Route[] {
  const doc = env.app.swagger() as unknown as {
    paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>
  }
  const routes: Route[] = []
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      if (!op.security?.length) continue
      const success = Math.min(
        ...Object.keys(op.responses)
          .map(Number)
          .filter((s) => s >= 200 && s < 300),
      )
      routes.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase() as Route['method'],
        path,
        success,
      })
    }
  }
  return routes
}

const pick = (object: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.map((key) => [key, object[key]]))

for (const dialect of DIALECTS) {
  describe(`${dialect}: auth contract of every authenticated route`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { WEBHOOK_TIMEOUT_MS: '300' })
    })
    after(() => env.close())

    const mintKey = async (owner: string, abilities: readonly string[]) => {
      const res = await client(env.app, owner).post('/v1/api-keys', { name: 'contract key', abilities })
      assert.equal(res.statusCode, 201, res.body)
      return res.json() as { id: string; secret: string }
    }
    const createProduct = async (owner: string, body: object) => {
      const res = await client(env.app, owner).post('/v1/products', body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json().id as string
    }
    const createOrder = async (owner: string) => {
      const res = await client(env.app, owner).post(
        '/v1/orders',
        orderBody(await createProduct(owner, sampleProduct({ type: 'subscription' }))),
      )
      assert.equal(res.statusCode, 201, res.body)
      return res.json() as { id: string; customer_id: string }
    }
    const createWebhook = async (owner: string) => {
      const res = await client(env.app, owner).post('/v1/webhooks', { url: hookUrl(owner), events: ['*'] })
      assert.equal(res.statusCode, 201, res.body)
      return { id: res.json().id as string }
    }
    // Live orders are paid through the live test double (a sandbox too), as the test helper pays test ones.
    const createPaidOrder = async (owner: string) => {
      const made = await createOrder(owner)
      if (owner.startsWith('sx_live_'))
        await env.services.db
          .transaction()
          .execute((trx) => paySandboxInvoice(env.services, trx, made.id, { amount: null }))
      else
        assert.equal((await client(env.app, owner).post(`/v1/test_helpers/orders/${made.id}/pay`, {})).statusCode, 200)
      return made
    }
    const make: Record<ObjectKind, (owner: string) => Promise<Made>> = {
      product: async (owner) => ({ id: await createProduct(owner, sampleProduct()) }),
      plan: async (owner) => ({ id: await createProduct(owner, sampleProduct({ type: 'subscription' })) }),
      fileProduct: async (owner) => ({ id: await createProduct(owner, sampleProduct({ type: 'file_download' })) }),
      apiKey: (owner) => mintKey(owner, ['products:read']),
      order: async (owner) => ({ id: (await createOrder(owner)).id }),
      customer: async (owner) => ({ id: (await createOrder(owner)).customer_id }),
      webhook: (owner) => createWebhook(owner),
      webhookDelivery: async (owner) => {
        const webhook = await createWebhook(owner)
        const ping = await client(env.app, owner).post(`/v1/webhooks/${webhook.id}/test`)
        assert.equal(ping.statusCode, 200, ping.body)
        return { id: webhook.id, deliveryId: ping.json().delivery_id }
      },
      event: async (owner) => {
        await createProduct(owner, sampleProduct())
        return { id: (await client(env.app, owner).get('/v1/events?limit=1')).json().data[0].id }
      },
      coupon: async (owner) => {
        const res = await client(env.app, owner).post('/v1/coupons', { code: `C${randomTail()}`, percent_off: 10 })
        assert.equal(res.statusCode, 201, res.body)
        return { id: res.json().id }
      },
      paidOrder: async (owner) => ({ id: (await createPaidOrder(owner)).id }),
      payout: async (owner) => {
        await createPaidOrder(owner)
        const res = await client(env.app, owner).post('/v1/payouts', PAYOUT_BODY, idempotent())
        assert.equal(res.statusCode, 201, res.body)
        return { id: res.json().id }
      },
    }
    // What "unchanged" means per kind, seen through the owner's own key.
    const snapshot: Record<ObjectKind, (owner: string, made: Made) => Promise<unknown>> = {
      product: async (owner, made) => (await client(env.app, owner).get(`/v1/products/${made.id}`)).json(),
      fileProduct: async (owner, made) => (await client(env.app, owner).get(`/v1/products/${made.id}`)).json(),
      plan: async (owner, made) => (await client(env.app, owner).get(`/v1/products/${made.id}`)).json(),
      order: async (owner, made) => (await client(env.app, owner).get(`/v1/orders/${made.id}`)).json(),
      customer: async (owner, made) => (await client(env.app, owner).get(`/v1/customers/${made.id}`)).json(),
      webhook: async (owner, made) => (await client(env.app, owner).get(`/v1/webhooks/${made.id}`)).json(),
      webhookDelivery: async (owner, made) =>
        (await client(env.app, owner).get(`/v1/webhooks/${made.id}/deliveries`)).json(),
      event: async (owner, made) => (await client(env.app, owner).get(`/v1/events/${made.id}`)).json(),
      coupon: async (owner, made) => (await client(env.app, owner).get(`/v1/coupons/${made.id}`)).json(),
      // Delivery and the payout's own progress go on in the background; what a refund or payout request could change stays put.
      paidOrder: async (owner, made) =>
        pick((await client(env.app, owner).get(`/v1/orders/${made.id}`)).json(), [
          'id',
          'total_cents',
          'refunded_cents',
        ]),
      payout: async (owner, made) =>
        pick((await client(env.app, owner).get(`/v1/payouts/${made.id}`)).json(), [
          'id',
          'amount_cents',
          'destination_address',
        ]),
      apiKey: async (owner, made) => ({
        listed: (await client(env.app, owner).get('/v1/api-keys?limit=100'))
          .json()
          .data.some((k: { id: string }) => k.id === made.id),
        works: (await client(env.app, made.secret).get('/v1/products')).statusCode,
      }),
    }

    it('has a recipe for every authenticated route, and every recipe names a real route', () => {
      const keys = authenticatedRoutes(env).map((r) => r.key)
      assert.deepEqual(
        keys.filter((k) => !RECIPES[k]),
        [],
        'authenticated routes without a recipe in auth-contract.test.ts',
      )
      assert.deepEqual(
        Object.keys(RECIPES).filter((k) => !keys.includes(k)),
        [],
        'recipes for routes the app does not have',
      )
    })

    it('holds for each route', async (t) => {
      const routes = authenticatedRoutes(env)
      assert.ok(routes.length > 0)
      for (const route of routes) {
        await t.test(route.key, async () => {
          const recipe = RECIPES[route.key]
          assert.ok(recipe, `no recipe for ${route.key}: add one to RECIPES`)
          const a = await env.newShop()
          const b = await env.newShop()
          const owner = a.keys.test
          const target = recipe.object ? await make[recipe.object](owner) : undefined
          const url = (made = target) =>
            route.path.replace('{id}', made?.id ?? '').replace('{delivery_id}', made?.deliveryId ?? '')
          const bodyFor = (id = target?.id) => (typeof recipe.body === 'function' ? recipe.body(id ?? '') : recipe.body)
          const send = (
            authorization: string | undefined,
            options: { made?: Made; raw?: string; query?: string } = {},
          ) =>
            env.app.inject({
              method: route.method,
              url: url(options.made) + (options.query ?? ''),
              headers: {
                ...(authorization ? { authorization } : {}),
                ...(options.raw !== undefined ? { 'content-type': 'application/json' } : {}),
                ...(recipe.idempotent ? idempotent() : {}),
              },
              ...(options.raw !== undefined
                ? { payload: options.raw }
                : recipe.body !== undefined
                  ? { payload: bodyFor(options.made?.id) as object }
                  : {}),
            })
          // A request the route must refuse as invalid once authorised: malformed JSON, a bad query or an over-long id.
          const sendBad = (authorization: string | undefined) =>
            recipe.body !== undefined && !recipe.rawBody
              ? send(authorization, { raw: '{"name": ' })
              : recipe.object
                ? send(authorization, { made: { id: 'x'.repeat(65) } })
                : env.app.inject({
                    method: route.method,
                    url: `${route.path}?limit=0`,
                    headers: authorization ? { authorization } : {},
                  })
          const unauthenticated = (res: LightMyRequestResponse, why: string) => {
            assert.equal(res.statusCode, 401, `${why}: ${res.body}`)
            problem(res, 401, 'unauthenticated')
            assert.match(String(res.headers['www-authenticate']), /^Bearer\b/, why)
          }

          unauthenticated(await send(undefined), 'no Authorization header')
          const malformed = [
            'Basic dXNlcjpwYXNzd29yZA==',
            'Bearer',
            'Bearer ',
            'Bearer sx_live_short',
            `Token ${owner}`,
            `Bearer sk_test_${randomTail()}`,
            `Bearer sx_prod_${randomTail()}`,
            `Bearer ${owner} extra`,
            owner,
          ]
          for (const header of malformed)
            unauthenticated(await send(header), `malformed ${JSON.stringify(header.slice(0, 20))}`)
          unauthenticated(await send(`Bearer sx_test_${randomTail()}`), 'unknown well-formed test key')
          unauthenticated(await send(`Bearer sx_live_${randomTail()}`), 'unknown well-formed live key')

          const revoked = await mintKey(owner, ABILITIES)
          assert.equal(
            (await client(env.app, revoked.secret).get('/v1/api-keys')).statusCode,
            200,
            'the key works before revocation',
          )
          assert.equal((await client(env.app, owner).delete(`/v1/api-keys/${revoked.id}`)).statusCode, 200)
          unauthenticated(await send(`Bearer ${revoked.secret}`), 'revoked key')

          // For `all` routes one missing ability is enough here; api-keys.test.ts tries all nine.
          const missing = recipe.ability === 'all' ? ABILITIES[route.key.length % ABILITIES.length]! : recipe.ability
          const lacking = await mintKey(
            owner,
            ABILITIES.filter((x) => x !== missing),
          )
          const refused = problem(await send(`Bearer ${lacking.secret}`), 403, 'forbidden_scope')
          assert.ok(refused.detail.includes(missing), `403 detail names ${missing}: ${refused.detail}`)

          // Order: authentication, then ability, then validation.
          unauthenticated(await sendBad(undefined), 'no key and a bad request')
          problem(await sendBad(`Bearer ${lacking.secret}`), 403, 'forbidden_scope')
          const invalid = await sendBad(`Bearer ${owner}`)
          assert.ok(
            [400, 422].includes(invalid.statusCode),
            `the bad request really is bad: ${invalid.statusCode} ${invalid.body}`,
          )

          if (recipe.object) {
            const kind = recipe.object
            const others = [
              { who: "shop B's", owner: b.keys.test },
              { who: 'the live-mode', owner: a.keys.live },
            ]
            for (const other of others) {
              const made = await make[kind](other.owner)
              const before = await snapshot[kind](other.owner, made)
              // An id in the path is a 404; one in the body (the product of a new order) a field error.
              if (route.path.includes('{id}'))
                problem(await send(`Bearer ${owner}`, { made, query: recipe.query }), 404, 'not_found')
              else
                assert.ok(
                  problem(await send(`Bearer ${owner}`, { made }), 422, 'unprocessable').errors?.['items.0.product_id'],
                )
              assert.deepEqual(await snapshot[kind](other.owner, made), before, `${other.who} object is unchanged`)
            }
          }

          // Finally the valid request itself, with the scheme in lower case.
          const ok = await send(`bearer ${owner}`, { query: recipe.query })
          assert.equal(ok.statusCode, recipe.success ?? route.success, `valid request: ${ok.body}`)
        })
      }
    })
  })
}
