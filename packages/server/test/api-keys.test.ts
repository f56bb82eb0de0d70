// API key management: minting (secret shown once, stored hashed), abilities, modes, revocation
// across instances, and last_used_at without a database write per request.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createApiKey } from '../src/modules/keys/keys.service.ts'
import { AppError } from '../src/platform/errors.ts'
import { ABILITIES, type Ability } from '../src/platform/http/auth.ts'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'

type Key = {
  id: string
  name: string
  abilities: string[]
  mode: string
  livemode: boolean
  secret: string
  created_at: string
  last_used_at: string | null
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: API keys`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    const mint = async (owner: string, body: Record<string, unknown>) => {
      const res = await client(env.app, owner).post('/v1/api-keys', body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json() as Key
    }
    const keyRows = (shopId: string) =>
      env.services.db.selectFrom('api_keys').selectAll().where('shop_id', '=', shopId).orderBy('id').execute()

    it('mints a key whose secret is shown once, works at once with exactly its abilities, and is stored only hashed', async () => {
      const shop = await env.newShop()
      const owner = client(env.app, shop.keys.test)
      const started = Date.now()
      const res = await owner.post('/v1/api-keys', { name: 'Storefront reader', abilities: ['products:read'] })
      assert.equal(res.statusCode, 201)
      const key = res.json() as Key
      assert.match(key.id, /^apik_[0-9A-HJKMNP-TV-Z]{26}$/)
      assert.match(key.secret, /^sx_test_[0-9A-Za-z]{24,}$/)
      assert.deepEqual(
        {
          name: key.name,
          abilities: key.abilities,
          mode: key.mode,
          livemode: key.livemode,
          last_used_at: key.last_used_at,
        },
        { name: 'Storefront reader', abilities: ['products:read'], mode: 'test', livemode: false, last_used_at: null },
      )
      assert.ok(Math.abs(Date.parse(key.created_at) - started) < 5000, `created_at ${key.created_at} is now`)
      const live = await mint(shop.keys.live, { name: 'Live', abilities: ['orders:read'] })
      assert.match(live.secret, /^sx_live_[0-9A-Za-z]{24,}$/)

      const reader = client(env.app, key.secret)
      assert.equal((await reader.get('/v1/products')).statusCode, 200)
      problem(await reader.post('/v1/products', sampleProduct()), 403, 'forbidden_scope')
      problem(await reader.get('/v1/api-keys'), 403, 'forbidden_scope')

      const listed = await owner.get('/v1/api-keys')
      assert.equal(listed.statusCode, 200)
      const tail = key.secret.slice(8)
      assert.ok(!listed.body.includes(tail), 'the list never contains the secret')
      const entry = listed.json().data.find((k: Key) => k.id === key.id)
      assert.ok(entry && !('secret' in entry))
      for (const row of await keyRows(shop.shop.id)) {
        for (const [column, value] of Object.entries(row)) {
          assert.ok(!String(value).includes(tail), `api_keys.${column} does not hold the secret`)
        }
      }
    })

    it('refuses all three key routes to a key lacking any one of the nine abilities', async () => {
      const shop = await env.newShop()
      const target = await mint(shop.keys.test, { name: 'target', abilities: ['products:read'] })
      for (const missing of ABILITIES) {
        const partial = await mint(shop.keys.test, {
          name: `no ${missing}`,
          abilities: ABILITIES.filter((a) => a !== missing),
        })
        const api = client(env.app, partial.secret)
        for (const res of [
          await api.get('/v1/api-keys'),
          await api.post('/v1/api-keys', { name: 'child', abilities: ['products:read'] }),
          await api.delete(`/v1/api-keys/${target.id}`),
        ]) {
          const body = problem(res, 403, 'forbidden_scope')
          assert.ok(body.detail.includes(missing), `detail names ${missing}: ${body.detail}`)
        }
      }
      assert.equal(
        (await client(env.app, target.secret).get('/v1/products')).statusCode,
        200,
        'the refused DELETE revoked nothing',
      )
      // Nine partial keys, the target and the two init keys: the refused POSTs minted nothing.
      assert.equal((await keyRows(shop.shop.id)).length, 12)
    })

    it('lets a live key mint test keys ("Live or sandbox"), never a test key a live one', async () => {
      const shop = await env.newShop()
      const wrongMode = problem(
        await client(env.app, shop.keys.test).post('/v1/api-keys', {
          name: 'x',
          abilities: ['products:read'],
          mode: 'live',
        }),
        422,
        'unprocessable',
      )
      assert.ok(wrongMode.errors?.mode, JSON.stringify(wrongMode))
      const sandbox = await mint(shop.keys.live, {
        name: 'sandbox',
        abilities: ['products:read', 'orders:write'],
        mode: 'test',
      })
      assert.deepEqual([sandbox.mode, sandbox.livemode], ['test', false])
      assert.match(sandbox.secret, /^sx_test_/)
      // It acts in test mode: it sees test objects only, and its mode's key list (not the live one) shows it.
      const liveProduct = (
        await client(env.app, shop.keys.live).post('/v1/products', {
          name: 'Live thing',
          type: 'physical',
          price_cents: 100,
          currency: 'USD',
        })
      ).json()
      assert.equal((await client(env.app, sandbox.secret).get(`/v1/products/${liveProduct.id}`)).statusCode, 404)
      assert.deepEqual((await client(env.app, sandbox.secret).get('/v1/products')).json().data, [])
      assert.ok(
        (await client(env.app, shop.keys.test).get('/v1/api-keys')).json().data.some((k: Key) => k.id === sandbox.id),
      )
      assert.ok(
        !(await client(env.app, shop.keys.live).get('/v1/api-keys')).json().data.some((k: Key) => k.id === sandbox.id),
      )
      assert.equal((await mint(shop.keys.test, { name: 'x', abilities: ['products:read'], mode: 'test' })).mode, 'test')
      const defaultTest = await mint(shop.keys.test, { name: 'x', abilities: ['products:read'] })
      const defaultLive = await mint(shop.keys.live, { name: 'x', abilities: ['products:read'] })
      assert.deepEqual(
        [defaultTest.mode, defaultTest.livemode, defaultLive.mode, defaultLive.livemode],
        ['test', false, 'live', true],
      )
      // A live key from a test key would be a privilege jump; the list of each mode shows only its own.
      const testIds = (await client(env.app, shop.keys.test).get('/v1/api-keys')).json().data.map((k: Key) => k.id)
      assert.ok(testIds.includes(defaultTest.id) && !testIds.includes(defaultLive.id))
    })

    it('rejects bad abilities and unknown fields with 422, minting nothing', async () => {
      const shop = await env.newShop()
      const owner = client(env.app, shop.keys.test)
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'x', abilities: [] }, 'abilities'],
        [{ name: 'x', abilities: ['products:delete'] }, 'abilities.0'],
        [{ name: 'x', abilities: ['products:read', 'products:read'] }, 'abilities'],
        [{ name: 'x', abilities: 'products:read' }, 'abilities'],
        [{ name: '', abilities: ['products:read'] }, 'name'],
        [{ name: 'x', abilities: ['products:read'], scopes: ['all'] }, 'scopes'],
        [{ name: 'x', abilities: ['products:read'], mode: 'sandbox' }, 'mode'],
      ]
      for (const [body, field] of cases) {
        const refused = problem(await owner.post('/v1/api-keys', body), 422, 'unprocessable')
        assert.ok(
          refused.errors?.[field],
          `${JSON.stringify(body)} → errors.${field} in ${JSON.stringify(refused.errors)}`,
        )
      }
      assert.equal((await keyRows(shop.shop.id)).length, 2)
    })

    it('never lets a key mint abilities it does not hold', async () => {
      const shop = await env.newShop()
      // Through HTTP: a key without webhooks:write can neither grant it nor anything else.
      const partial = await mint(shop.keys.test, {
        name: 'partial',
        abilities: ABILITIES.filter((a) => a !== 'webhooks:write'),
      })
      for (const abilities of [['webhooks:write'], ['products:read'], ABILITIES]) {
        problem(
          await client(env.app, partial.secret).post('/v1/api-keys', { name: 'escalate', abilities }),
          403,
          'forbidden_scope',
        )
      }
      // The service's own check, behind the route's, refuses before any write.
      const ctx = {
        auth: {
          actor: { type: 'api_key' as const, id: partial.id },
          shopId: shop.shop.id,
          livemode: false,
          abilities: new Set<Ability>(ABILITIES.filter((a) => a !== 'webhooks:write')),
        },
        transact: async () => assert.fail('nothing may be written'),
      }
      await assert.rejects(
        createApiKey(env.services, ctx, { name: 'escalate', abilities: ['products:read', 'webhooks:write'] }),
        (error: unknown) =>
          error instanceof AppError &&
          error.code === 'forbidden_scope' &&
          error.detail.includes('webhooks:write') &&
          !error.detail.includes('products:read'),
      )
      assert.equal((await keyRows(shop.shop.id)).length, 3)
    })

    it("revokes at once on every instance, once, and only within the caller's shop and mode", async () => {
      const a = await env.newShop()
      const b = await env.newShop()
      const second = await env.spawnApp()
      const key = await mint(a.keys.test, { name: 'doomed', abilities: ['products:read'] })
      // Warm both instances with the key first, so that any cache would now hold it.
      assert.equal((await client(env.app, key.secret).get('/v1/products')).statusCode, 200)
      assert.equal((await client(second.app, key.secret).get('/v1/products')).statusCode, 200)

      const revoked = await client(env.app, a.keys.test).delete(`/v1/api-keys/${key.id}`)
      assert.equal(revoked.statusCode, 200)
      assert.deepEqual(revoked.json(), { id: key.id, revoked: true })
      problem(await client(env.app, key.secret).get('/v1/products'), 401, 'unauthenticated')
      problem(await client(second.app, key.secret).get('/v1/products'), 401, 'unauthenticated')
      problem(await client(second.app, a.keys.test).delete(`/v1/api-keys/${key.id}`), 404, 'not_found')
      problem(await client(env.app, a.keys.test).delete('/v1/api-keys/apik_not-an-id'), 404, 'not_found')
      const ids = (await client(env.app, a.keys.test).get('/v1/api-keys')).json().data.map((k: Key) => k.id)
      assert.ok(!ids.includes(key.id), 'a revoked key is no longer listed')

      const otherShop = await mint(b.keys.test, { name: 'b', abilities: ['products:read'] })
      const otherMode = await mint(a.keys.live, { name: 'a live', abilities: ['products:read'] })
      for (const victim of [otherShop, otherMode]) {
        problem(await client(env.app, a.keys.test).delete(`/v1/api-keys/${victim.id}`), 404, 'not_found')
        assert.equal(
          (await client(env.app, victim.secret).get('/v1/products')).statusCode,
          200,
          `${victim.name} still works`,
        )
      }
    })

    it('records last_used_at in memory and writes it when the list is read, not per request', async () => {
      const shop = await env.newShop()
      const owner = client(env.app, shop.keys.test)
      const key = await mint(shop.keys.test, { name: 'usage', abilities: ['products:read'] })
      const listed = (await owner.get('/v1/api-keys')).json().data.find((k: Key) => k.id === key.id)
      assert.equal(listed.last_used_at, null, 'a fresh key was never used')

      // The list call above flushed the buffer; now a plain authenticated GET must not touch the table.
      const before = await keyRows(shop.shop.id)
      assert.equal((await client(env.app, key.secret).get('/v1/products')).statusCode, 200)
      assert.deepEqual(await keyRows(shop.shop.id), before, 'an authenticated GET wrote nothing to api_keys')
      const usedAt = Date.now()

      const after = (await owner.get('/v1/api-keys')).json().data.find((k: Key) => k.id === key.id)
      assert.ok(after.last_used_at, "the list flushes this instance's buffered use")
      assert.ok(
        Math.abs(Date.parse(after.last_used_at) - usedAt) < 5000,
        `last_used_at ${after.last_used_at} is about now`,
      )
      const row = (await keyRows(shop.shop.id)).find((r) => r.id === key.id)!
      assert.equal(Number(row.last_used_at), Date.parse(after.last_used_at), 'and it is now in the database')
    })
  })
}
