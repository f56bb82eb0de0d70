// The buyer's side in a browser: download links count real downloads only and show what is left
// (page and mail); outside /v1 browsers get small HTML pages (404, expired, used up, and a landing
// page at /), while API clients keep problem+json everywhere.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, present, problem, startTestEnv, type Client, type TestEnv } from './harness.ts'
import { waitFor } from './processes.ts'
import { NO_LIMITS, newProduct, order, settle } from './orders-helpers.ts'

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8' }
const JSON_CLIENT = { accept: 'application/json' }

/** A paid and delivered order of one file product; returns its download path and order page path. */
async function deliveredFile(env: TestEnv, api: Client, bytes: Buffer) {
  const product = await newProduct(api, { type: 'file_download', name: 'Field Guide' })
  const upload = await env.app.inject({
    method: 'PUT',
    url: `/v1/products/${product}/file?filename=guide.pdf`,
    payload: bytes,
    headers: { authorization: `Bearer ${api.secret}`, 'content-type': 'application/pdf' },
  })
  assert.equal(upload.statusCode, 200, upload.body)
  const created = await order(api, [{ product_id: product, qty: 1 }])
  await api.post(`/v1/test_helpers/orders/${created.id}/pay`, {})
  const done = await settle(api, created.id)
  assert.equal(done.status, 'completed')
  return {
    orderId: created.id as string,
    download: new URL(present(done.delivery.items[0]?.url, 'the download url')).pathname,
    page: new URL(created.checkout_url).pathname,
  }
}

function assertPage(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  text: RegExp,
) {
  assert.equal(res.statusCode, status, res.body)
  assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/)
  assert.match(res.body, /^<!doctype html>/)
  assert.match(res.body, text)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: buyer pages`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS)
    })
    after(() => env.close())

    it('download links: HEAD spends nothing, the page and mail show what is left, a used-up link is a 410 page for browsers and problem+json for the API', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const bytes = Buffer.from('%PDF-1.7 the guide')
      const { orderId, download, page } = await deliveredFile(env, api, bytes)
      const get = (headers: Record<string, string> = {}) => env.app.inject({ method: 'GET', url: download, headers })

      for (let i = 0; i < 3; i++) {
        const head = await env.app.inject({ method: 'HEAD', url: download })
        assert.equal(head.statusCode, 200)
        assert.equal(head.headers['content-length'], String(bytes.length))
        assert.match(String(head.headers['content-disposition']), /filename="guide\.pdf"/)
        assert.equal(head.rawPayload.length, 0)
      }
      for (let i = 0; i < 2; i++) assert.deepEqual((await get(BROWSER)).rawPayload, bytes)

      assert.match(
        (await env.app.inject({ method: 'GET', url: page, headers: BROWSER })).body,
        /Link expires .*, 3 downloads left/,
      )
      assert.equal((await api.post(`/v1/orders/${orderId}/resend`, {})).statusCode, 200)
      const mails = () =>
        env.services.db
          .selectFrom('mails')
          .select(['kind', 'status', 'body_text'])
          .where('order_id', '=', orderId)
          .execute()
      await waitFor(
        async () => (await mails()).some((m) => m.kind === 'resend' && m.status === 'sent'),
        'the resent mail',
      )
      const byKind = new Map((await mails()).map((m) => [m.kind, env.services.secretBox.open(m.body_text)]))
      assert.match(byKind.get('delivery')!, /5 downloads left/, 'the delivery mail, sent before any download')
      assert.match(byKind.get('resend')!, /3 downloads left/)

      for (let i = 0; i < 3; i++) assert.equal((await get()).statusCode, 200)
      assert.match(
        (await env.app.inject({ method: 'GET', url: page, headers: BROWSER })).body,
        /No downloads left on this link/,
      )
      assertPage(await get(BROWSER), 410, /No downloads left/)
      assert.match(problem(await get(JSON_CLIENT), 404, 'not_found').detail, /no downloads left/)
      problem(await get(), 404, 'not_found')
      assert.equal((await env.app.inject({ method: 'HEAD', url: download })).statusCode, 404)
    })

    it('an expired download link is a 410 page for browsers and problem+json for the API', async () => {
      const api = client(env.app, (await env.newShop()).keys.test)
      const { orderId, download } = await deliveredFile(env, api, Buffer.from('bytes'))
      await env.services.db.updateTable('downloads').set({ expires_at: 0 }).where('order_id', '=', orderId).execute()
      assertPage(
        await env.app.inject({ method: 'GET', url: download, headers: BROWSER }),
        410,
        /This download link has expired/,
      )
      assert.match(
        problem(await env.app.inject({ method: 'GET', url: download, headers: JSON_CLIENT }), 404, 'not_found').detail,
        /expired/,
      )
      assert.equal(
        (
          await env.services.db
            .selectFrom('downloads')
            .select('downloads_left')
            .where('order_id', '=', orderId)
            .executeTakeFirstOrThrow()
        ).downloads_left,
        5,
      )
    })

    it('answers browsers outside /v1 with HTML pages and everyone else, and all of /v1, with problem+json', async () => {
      const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}) =>
        env.app.inject({ method, url, headers })
      for (const url of ['/o/unknown-token', '/o/unknown-token/status', '/dl/unknown-token', '/no/such/page']) {
        const page = await inject('GET', url, BROWSER)
        assertPage(page, 404, /Page not found/)
        assert.equal(page.headers['x-request-id'] !== undefined, true)
        problem(await inject('GET', url, JSON_CLIENT), 404, 'not_found')
        problem(await inject('GET', url), 404, 'not_found')
      }
      problem(await inject('GET', '/v1/no-such-thing', BROWSER), 404, 'not_found')
      problem(await inject('GET', '/v1/products', BROWSER), 401, 'unauthenticated')
      problem(await inject('POST', '/o/unknown-token', BROWSER), 405, 'method_not_allowed')
      // A client that prefers JSON gets JSON even when it also takes HTML.
      problem(
        await inject('GET', '/dl/unknown-token', { accept: 'application/json, text/html;q=0.5' }),
        404,
        'not_found',
      )

      const landing = await inject('GET', '/', BROWSER)
      assertPage(landing, 200, /<a class="button" href="\/docs">API reference<\/a>/)
      assertPage(await inject('GET', '/'), 200, /href="\/docs"/)
    })
  })
}
