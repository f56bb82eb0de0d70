// Input edges: actions whose fields are all optional take no body, an empty body or `{}` (the
// README's own `curl -X POST …/pay` included); order date filters are RFC 3339 only; the sandbox
// pay amount is bounded; JSON in another charset is a 415; an oversized header block or bytes
// that are not HTTP get a problem too; the checkout page allows its one script by hash only.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, listen, problem, sampleProduct, startTestEnv, type Client, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct, order, settle } from './orders-helpers.ts'
import { rawHttp } from './raw-http.ts'

const json = { 'content-type': 'application/json' }

/** The three ways to send "nothing": no body and no Content-Type, an empty JSON body, `{}`. */
const FORMS = {
  'no body': { headers: {}, payload: undefined },
  'empty JSON body': { headers: json, payload: '' },
  '{}': { headers: json, payload: '{}' },
} as const

for (const dialect of DIALECTS) {
  describe(`${dialect}: request inputs`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, DYNAMIC_RETRY_DELAYS: '0', WEBHOOK_TIMEOUT_MS: '300' })
    })
    after(() => env.close())
    // One listener per environment (the harness closes it with the app).
    let listening: Promise<string> | undefined
    const base = () => (listening ??= listen(env.app))

    const post = (api: Client, url: string, form: keyof typeof FORMS) =>
      env.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${api.secret}`, ...FORMS[form].headers },
        ...(FORMS[form].payload === undefined ? {} : { payload: FORMS[form].payload }),
      })

    it('takes no body, an empty body or {} on pay, resend, redeliver, rotate_secret and test', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      // Dynamic products whose endpoint refuses connections: paying them fails delivery, which redeliver needs.
      const product = await newProduct(api, { type: 'dynamic', name: 'Unreachable' })
      const webhook = (await api.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] })).json()
      for (const form of Object.keys(FORMS) as (keyof typeof FORMS)[]) {
        const made = await order(api, [{ product_id: product, qty: 1 }])
        const paid = await post(api, `/v1/test_helpers/orders/${made.id}/pay`, form)
        assert.equal(paid.statusCode, 200, `pay, ${form}: ${paid.body}`)
        assert.equal(paid.json().payment.status, 'settled', 'paid in full: the default amount is what is left')
        const resent = await post(api, `/v1/orders/${made.id}/resend`, form)
        assert.equal(resent.statusCode, 200, `resend, ${form}: ${resent.body}`)
        await settle(api, made.id, (o) => o.failure_reason === 'delivery_failed')
        const redelivered = await post(api, `/v1/orders/${made.id}/redeliver`, form)
        assert.equal(redelivered.statusCode, 200, `redeliver, ${form}: ${redelivered.body}`)
        assert.equal(redelivered.json().status, 'delivering')
        const rotated = await post(api, `/v1/webhooks/${webhook.id}/rotate_secret`, form)
        assert.equal(rotated.statusCode, 200, `rotate_secret, ${form}: ${rotated.body}`)
        const pinged = await post(api, `/v1/webhooks/${webhook.id}/test`, form)
        assert.equal(pinged.statusCode, 200, `test, ${form}: ${pinged.body}`)
        assert.equal(pinged.json().delivered, false, 'nothing listens on port 9')
      }
      // Still refused: JSON that is not an object, and fields the action does not take.
      problem(await api.send('POST', `/v1/webhooks/${webhook.id}/test`, 'null', json), 400, 'invalid_request')
      problem(await api.send('POST', `/v1/webhooks/${webhook.id}/test`, '[]', json), 400, 'invalid_request')
      assert.deepEqual(
        problem(await api.post(`/v1/webhooks/${webhook.id}/rotate_secret`, { force: true }), 422, 'unprocessable')
          .errors,
        { force: ['unknown field'] },
      )
      // Routes that need fields still say which are missing.
      problem(await api.send('POST', '/v1/products', '', json), 400, 'invalid_request')
    })

    it("runs the README walkthrough's pay command as curl sends it: no body, no Content-Type", async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const made = await order(api, [{ product_id: await newProduct(api, {}, ['KEY-CURL-1']), qty: 1 }])
      const { host } = new URL(await base())
      // `curl -s -X POST http://…/v1/test_helpers/orders/ord_…/pay -H "Authorization: Bearer $KEY"`, byte for byte.
      const response = await rawHttp(
        await base(),
        `POST /v1/test_helpers/orders/${made.id}/pay HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nAuthorization: Bearer ${shop.keys.test}\r\n\r\n`,
      )
      assert.equal(response.status, 200, response.body)
      // A key reserved at checkout is delivered in the payment's own transaction.
      assert.equal(JSON.parse(response.body).status, 'completed')
    })

    it('filters orders by RFC 3339 dates (UTC days) and date-times with an offset only', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const made = await order(api, [
        { product_id: await newProduct(api, { type: 'subscription', name: 'Plan' }), qty: 1 },
      ])
      const created = Date.parse(made.created_at)
      const ids = async (query: string) => {
        const response = await api.get(`/v1/orders?${query}`)
        assert.equal(response.statusCode, 200, `${query}: ${response.body}`)
        return response.json().data.map((o: { id: string }) => o.id)
      }
      /** `epochMs` written in the +02:00 zone (`2026-05-26T12:00:00.000+02:00`). */
      const plusTwo = (epochMs: number) => `${new Date(epochMs + 2 * 3_600_000).toISOString().slice(0, -1)}+02:00`
      const day = made.created_at.slice(0, 10)
      const nextDay = new Date(created + 86_400_000).toISOString().slice(0, 10)
      assert.deepEqual(await ids(`from=${day}&to=${day}`), [made.id], 'a date covers its whole UTC day')
      assert.deepEqual(await ids(`from=${nextDay}`), [])
      assert.deepEqual(
        await ids(`from=${encodeURIComponent(plusTwo(created))}`),
        [made.id],
        'from is inclusive, in the offset given',
      )
      assert.deepEqual(await ids(`from=${encodeURIComponent(plusTwo(created + 1))}`), [])
      assert.deepEqual(await ids(`to=${encodeURIComponent(plusTwo(created))}`), [made.id], 'to is inclusive')
      assert.deepEqual(await ids(`to=${new Date(created - 1).toISOString()}`), [])
      assert.deepEqual(await ids(`from=${new Date(created).toISOString().replace('Z', '-00:00')}`), [made.id])

      for (const [field, value] of [
        ['from', '2026-05-26junk'],
        ['from', '2026-02-30'],
        ['to', '2025-02-29'],
        ['from', '2026-13-01'],
        ['from', '2026-05-26 00:00'],
        ['to', '2026-05-26T00:00:00'],
        ['from', '2026-05-26T00:00Z'],
        ['to', '2026-05-26T24:00:00Z'],
        ['from', '2026-05-26T10:00:00+25:00'],
        ['from', '20260526'],
        ['to', 'yesterday'],
        ['from', ' 2026-05-26'],
      ] as const) {
        const body = problem(await api.get(`/v1/orders?${field}=${encodeURIComponent(value)}`), 422, 'unprocessable')
        assert.deepEqual(Object.keys(body.errors ?? {}), [field], `${field}=${value}: ${JSON.stringify(body)}`)
        assert.match(body.errors![field]![0]!, /RFC 3339/)
      }
      assert.deepEqual(await ids('from=2024-02-29'), [made.id], 'a leap day is a date')
    })

    it("bounds the sandbox pay amount: at most 15 whole digits and the asset's decimals", async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const plan = await newProduct(api, { type: 'subscription', name: 'Plan' })
      const made = await order(api, [{ product_id: plan, qty: 1 }])
      for (const amount of ['9'.repeat(38), '1'.repeat(16), `1.${'0'.repeat(19)}`, '1e5', '-1', '1.', '.5', ' 1']) {
        const body = problem(await api.post(`/v1/test_helpers/orders/${made.id}/pay`, { amount }), 422, 'unprocessable')
        assert.deepEqual(Object.keys(body.errors ?? {}), ['amount'], `${amount}: ${JSON.stringify(body)}`)
      }
      // USDT has 6 decimals: a 7th is refused by the service, which knows the asset.
      assert.ok(
        problem(await api.post(`/v1/test_helpers/orders/${made.id}/pay`, { amount: '1.0000001' }), 422, 'unprocessable')
          .errors?.amount,
      )
      assert.equal(
        (await api.get(`/v1/orders/${made.id}`)).json().payment.amount_paid,
        '0.000000',
        'no refused amount was recorded',
      )
      const paid = await api.post(`/v1/test_helpers/orders/${made.id}/pay`, { amount: '1'.repeat(15) })
      assert.equal(paid.statusCode, 200, paid.body)
      assert.equal(paid.json().status, 'completed', 'paid in full, and the plan delivered with the payment')
    })

    it('answers JSON in another charset than UTF-8 with 415, and reads UTF-8 however it is named', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const product = JSON.stringify(sampleProduct({ name: 'Café' }))
      const utf16 = Buffer.from(`\ufeff${product}`, 'utf16le')
      for (const [contentType, payload] of [
        ['application/json; charset=utf-16', utf16],
        ['application/json; charset=UTF-16LE', utf16],
        ['application/json; charset=iso-8859-1', Buffer.from(product, 'latin1')],
        ['application/json;charset="utf-32"', product],
      ] as const) {
        const response = await env.app.inject({
          method: 'POST',
          url: '/v1/products',
          payload,
          headers: { authorization: `Bearer ${api.secret}`, 'content-type': contentType },
        })
        problem(response, 415, 'unsupported_media_type')
      }
      for (const contentType of [
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=UTF-8',
        'application/json;charset="utf-8"',
        'application/json; charset=utf8',
      ]) {
        const response = await api.send('POST', '/v1/products', product, { 'content-type': contentType })
        assert.equal(response.statusCode, 201, `${contentType}: ${response.body}`)
        assert.equal(response.json().name, 'Café')
      }
      assert.equal((await api.get('/v1/products')).json().data.length, 5, 'only the UTF-8 requests made products')
    })

    it('answers a header block over 16 KiB with a 431 problem, bytes that are not HTTP with a 400, a timeout with a 408', async () => {
      const big = await rawHttp(
        await base(),
        `GET /v1/products?limit=1 HTTP/1.1\r\nHost: sx\r\nX-Filler: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
      )
      assert.equal(big.status, 431, big.body)
      assert.match(big.headers['content-type']!, /^application\/problem\+json/)
      const problem431 = JSON.parse(big.body)
      assert.deepEqual(
        { type: problem431.type, status: problem431.status, instance: problem431.instance },
        { type: 'headers_too_large', status: 431, instance: '/v1/products' },
      )
      assert.equal(problem431.trace_id, big.headers['x-request-id'])
      assert.equal(typeof problem431.detail, 'string')

      const garbage = await rawHttp(await base(), 'HELLO\x00THERE\r\n\r\n')
      assert.equal(garbage.status, 400, garbage.body)
      assert.match(garbage.headers['content-type']!, /^application\/problem\+json/)
      assert.equal(JSON.parse(garbage.body).type, 'invalid_request')
      // A request timeout is Node's to detect (checked every 30 s): the server's clientError event
      // is raised as Node raises it, on the server side of a fresh connection.
      const server = env.app.server
      const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve))
      const { port } = new URL(await base())
      const peer = connect(Number(port), '127.0.0.1')
      const received: Buffer[] = []
      peer.on('data', (chunk) => received.push(chunk))
      const closed = new Promise((resolve) => peer.on('close', resolve))
      server.emit(
        'clientError',
        Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
        await accepted,
      )
      await closed
      const timedOut = Buffer.concat(received).toString()
      assert.match(timedOut, /^HTTP\/1\.1 408 Request Timeout\r\n/)
      assert.equal(JSON.parse(timedOut.slice(timedOut.indexOf('\r\n\r\n') + 4)).type, 'request_timeout')
      // The server is fine afterwards.
      assert.equal((await fetch(`${await base()}/healthz`)).status, 200)
    })

    it('allows only its own inline script on the checkout page, by hash', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const made = await order(api, [{ product_id: await newProduct(api, {}, ['KEY-CSP-1']), qty: 1 }])
      const page = await client(env.app).get(new URL(made.checkout_url).pathname)
      assert.equal(page.statusCode, 200)
      const policy = String(page.headers['content-security-policy'])
      const scriptSrc = /(?:^|; )script-src ([^;]*)/.exec(policy)?.[1]
      const scripts = [...page.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
      assert.equal(scripts.length, 1)
      assert.equal(scriptSrc, `'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}'`, policy)
      assert.ok(!/<script[^>]*\bsrc=|\son[a-z]+=/i.test(page.body), 'no other script, no inline handlers')
    })
  })
}
