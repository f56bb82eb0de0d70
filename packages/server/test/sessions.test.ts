// Owner sessions: sign-in, sign-out, expiry, CSRF, modes and tenancy on /v1 through the cookie.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createManualClock } from '../src/platform/clock.ts'
import { runHousekeeping } from '../src/housekeeping.ts'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { sessionOf, signIn, signInRequest, withSession, OWNER_PASSWORD } from './session-helpers.ts'

const MINUTE = 60_000

for (const dialect of DIALECTS) {
  describe(`${dialect}: owner sessions`, () => {
    let env: TestEnv
    const clock = createManualClock()
    before(async () => {
      env = await startTestEnv(
        dialect,
        {
          SIGN_IN_PER_ADDRESS: '1000',
          SIGN_IN_PER_ACCOUNT: '1000',
          SESSION_IDLE_MINUTES: '30',
          SESSION_MAX_HOURS: '2',
        },
        { clock },
      )
    })
    after(() => env.close())

    it('signs in with the owner login, acts on /v1, and signs out for good', async () => {
      const shop = await env.newShop()
      const answer = await signInRequest(env.app, shop.owner.email.toUpperCase())
      assert.equal(answer.statusCode, 200, answer.body)
      const cookie = String(answer.headers['set-cookie'])
      assert.match(cookie, /^sx_session=[0-9A-Za-z]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=7200$/)
      const body = answer.json()
      assert.deepEqual(
        { owner: body.owner, shop: body.shop, livemode: body.livemode },
        { owner: { email: shop.owner.email }, shop: { id: shop.shop.id, name: shop.shop.name }, livemode: false },
      )
      const session = await signIn(env.app, shop.owner.email)
      const me = await withSession(env.app, session, 'GET', '/auth/session')
      assert.equal(me.json().csrf_token, session.csrf)
      assert.equal((await withSession(env.app, session, 'GET', '/v1/products')).statusCode, 200)

      const out = await withSession(env.app, session, 'POST', '/auth/sign-out')
      assert.equal(out.statusCode, 200, out.body)
      assert.match(String(out.headers['set-cookie']), /^sx_session=; .*Max-Age=0/)
      problem(await withSession(env.app, session, 'GET', '/v1/products'), 401, 'unauthenticated')
      problem(await withSession(env.app, session, 'GET', '/auth/session'), 401, 'unauthenticated')
      // The other session of the same owner is untouched.
      assert.equal((await withSession(env.app, sessionOf(answer), 'GET', '/v1/products')).statusCode, 200)
      // A made-up cookie is refused like an unknown key.
      problem(
        await env.app.inject({ method: 'GET', url: '/v1/products', headers: { cookie: 'sx_session=nope' } }),
        401,
        'unauthenticated',
      )
    })

    it('refuses a wrong password and an unknown email alike', async () => {
      const shop = await env.newShop()
      const wrong = problem(await signInRequest(env.app, shop.owner.email, 'not the password'), 401, 'unauthenticated')
      const unknown = problem(await signInRequest(env.app, 'nobody@example.com'), 401, 'unauthenticated')
      assert.equal(wrong.detail, unknown.detail)
      problem(
        await signInRequest(env.app, shop.owner.email, OWNER_PASSWORD, { origin: 'https://evil.test' }),
        403,
        'forbidden_scope',
      )
    })

    it('ends a session left idle, and any session past its absolute lifetime', async () => {
      const shop = await env.newShop()
      const idle = await signIn(env.app, shop.owner.email)
      const busy = await signIn(env.app, shop.owner.email)
      for (let i = 0; i < 5; i++) {
        clock.advance(20 * MINUTE)
        assert.equal((await withSession(env.app, busy, 'GET', '/v1/products')).statusCode, 200)
      }
      problem(await withSession(env.app, idle, 'GET', '/v1/products'), 401, 'unauthenticated')
      clock.advance(25 * MINUTE) // 125 min since sign-in, 25 since last use: past the 2 h limit
      problem(await withSession(env.app, busy, 'GET', '/v1/products'), 401, 'unauthenticated')
      // Housekeeping deletes the sessions that can no longer be used.
      const ownerSessions = () =>
        env.services.db
          .selectFrom('owner_sessions')
          .innerJoin('owners', 'owners.id', 'owner_sessions.owner_id')
          .select('owner_sessions.id')
          .where('owners.email', '=', shop.owner.email)
          .execute()
      assert.equal((await ownerSessions()).length, 2)
      await runHousekeeping(env.services)
      assert.equal((await ownerSessions()).length, 0)
    })

    it('refuses a write without the CSRF token, with a wrong one, or from another Origin; a key is unaffected', async () => {
      const shop = await env.newShop()
      const session = await signIn(env.app, shop.owner.email)
      const create = (headers: Record<string, string>) =>
        withSession(env.app, session, 'POST', '/v1/products', sampleProduct(), headers)
      problem(await create({ cookie: session.cookie }), 403, 'forbidden_scope')
      problem(await create({ cookie: session.cookie, 'x-csrf-token': 'f'.repeat(64) }), 403, 'forbidden_scope')
      problem(await create({ ...session.headers, origin: 'https://evil.test' }), 403, 'forbidden_scope')
      problem(
        await withSession(env.app, session, 'POST', '/auth/mode', { livemode: true }, { cookie: session.cookie }),
        403,
        'forbidden_scope',
      )
      // A cross-site form (urlencoded, which /auth does not parse) is refused for its Origin, before its body.
      const form = {
        cookie: session.cookie,
        origin: 'https://evil.test',
        'content-type': 'application/x-www-form-urlencoded',
      }
      problem(
        await env.app.inject({ method: 'POST', url: '/auth/mode', headers: form, payload: 'livemode=true' }),
        403,
        'forbidden_scope',
      )
      const origin = new URL(env.services.config.http.publicUrl).origin
      assert.equal((await create({ ...session.headers, origin })).statusCode, 201)
      assert.equal((await create(session.headers)).statusCode, 201)
      const byKey = await client(env.app, shop.keys.test).post('/v1/products', sampleProduct(), {
        origin: 'https://evil.test',
      })
      assert.equal(byKey.statusCode, 201)
    })

    it('acts in the mode the merchant switched to, and never on another shop', async () => {
      const shop = await env.newShop()
      const other = await env.newShop()
      const session = await signIn(env.app, shop.owner.email)
      const made = await withSession(env.app, session, 'POST', '/v1/products', sampleProduct({ name: 'Test thing' }))
      assert.equal(made.statusCode, 201, made.body)
      assert.equal(made.json().livemode, false)
      const live = await client(env.app, shop.keys.live).post('/v1/products', sampleProduct({ name: 'Live thing' }))
      const names = async () =>
        (await withSession(env.app, session, 'GET', '/v1/products')).json().data.map((p: { name: string }) => p.name)
      assert.deepEqual(await names(), ['Test thing'])
      const switched = await withSession(env.app, session, 'POST', '/auth/mode', { livemode: true })
      assert.equal(switched.json().livemode, true)
      assert.deepEqual(await names(), ['Live thing'])
      problem(await withSession(env.app, session, 'GET', `/v1/products/${made.json().id}`), 404, 'not_found')
      assert.equal((await withSession(env.app, session, 'GET', `/v1/products/${live.json().id}`)).statusCode, 200)

      const theirs = await client(env.app, other.keys.live).post('/v1/products', sampleProduct())
      problem(await withSession(env.app, session, 'GET', `/v1/products/${theirs.json().id}`), 404, 'not_found')
      problem(await withSession(env.app, session, 'DELETE', `/v1/products/${theirs.json().id}`), 404, 'not_found')
    })

    it('changes the password with the current one, signing out the other sessions', async () => {
      const shop = await env.newShop()
      const here = await signIn(env.app, shop.owner.email)
      const elsewhere = await signIn(env.app, shop.owner.email)
      const change = (current: string) =>
        withSession(env.app, here, 'POST', '/auth/password', {
          current_password: current,
          new_password: 'a new password',
        })
      const refused = problem(await change('wrong'), 422, 'unprocessable')
      assert.ok(refused.errors?.current_password)
      assert.equal((await change(OWNER_PASSWORD)).statusCode, 200)
      problem(await withSession(env.app, elsewhere, 'GET', '/v1/products'), 401, 'unauthenticated')
      assert.equal((await withSession(env.app, here, 'GET', '/v1/products')).statusCode, 200)
      problem(await signInRequest(env.app, shop.owner.email), 401, 'unauthenticated')
      await signIn(env.app, shop.owner.email, 'a new password')
    })
  })

  describe(`${dialect}: sign-in throttling`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { SIGN_IN_PER_ADDRESS: '3', SIGN_IN_PER_ACCOUNT: '2', TRUST_PROXY: 'true' })
    })
    after(() => env.close())

    it('limits attempts per client address and per account, with Retry-After', async () => {
      const a = await env.newShop()
      const b = await env.newShop()
      const from = (ip: string) => ({ 'x-forwarded-for': ip })
      // One account from many addresses: the third attempt is over the account's budget.
      problem(await signInRequest(env.app, a.owner.email, 'guess 1', from('10.0.0.1')), 401, 'unauthenticated')
      problem(await signInRequest(env.app, a.owner.email, 'guess 2', from('10.0.0.2')), 401, 'unauthenticated')
      const account = problem(
        await signInRequest(env.app, a.owner.email, OWNER_PASSWORD, from('10.0.0.3')),
        429,
        'rate_limited',
      )
      assert.match(account.detail, /this account/)
      // One address trying many accounts: the fourth attempt is over the address's budget.
      for (const email of [b.owner.email, 'x@example.com', 'y@example.com'])
        problem(await signInRequest(env.app, email, 'guess', from('10.0.0.9')), 401, 'unauthenticated')
      const address = await signInRequest(env.app, 'z@example.com', 'guess', from('10.0.0.9'))
      problem(address, 429, 'rate_limited')
      assert.ok(Number(address.headers['retry-after']) > 0)
      // Others are unaffected.
      await signIn(env.app, b.owner.email)
    })
  })
}
