// The dashboard's defences in a real browser (issue 14's Tests): cross-site writes refused while the
// owner is signed in in the same browser, another shop's and the other mode's order ids answered
// "not found" in the UI, a session signed out in one tab (or left idle) ending in the other, and the
// dashboard opened at another name of the host (localhost for 127.0.0.1) saying where it works.
// Sign-in throttling per account is in dashboard.browser.test.ts, per address in sessions.test.ts.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { describe, it } from 'node:test'
import { createClient } from '@sx/sdk'
import type { Page } from 'playwright-core'
import { createManualClock } from '../src/platform/clock.ts'
import { browserSuite, freePort, openDashboard, useBrowser } from './dashboard-browser.ts'
import { DIALECTS, sampleProduct } from './harness.ts'

const MINUTE = 60_000

/** Another site on loopback: a page with forms posting to the dashboard server's write routes. */
async function startAttacker(base: string): Promise<{ origin: string; server: Server }> {
  const port = await freePort()
  const html = `<!doctype html><title>Win a prize</title>
<form id="product" method="POST" action="${base}/v1/products">
  <input name="name" value="Planted"><input name="type" value="license_key">
  <input name="price_cents" value="1"><input name="currency" value="USD"><button>Create</button>
</form>
<form id="mode" method="POST" action="${base}/auth/mode"><input name="livemode" value="true"><button>Mode</button></form>`
  const server = createServer((_request, response) => response.setHeader('content-type', 'text/html').end(html))
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${port}`, server }
}

/** Every POST the page made to `base`, with the status the server answered (opaque to the page itself). */
function recordPosts(page: Page, base: string) {
  const posts: string[] = []
  page.on('response', (response) => {
    const request = response.request()
    if (request.method() === 'POST' && request.url().startsWith(base))
      posts.push(`${new URL(request.url()).pathname} ${response.status()}`)
  })
  return posts
}

describe('dashboard security in a browser', browserSuite, () => {
  const browser = useBrowser()

  for (const dialect of DIALECTS) {
    it(`${dialect}: refuses cross-site writes, hides other shops' and modes' orders, ends revoked and idle sessions, names its address`, async () => {
      const clock = createManualClock()
      const d = await openDashboard(browser(), dialect, { SESSION_IDLE_MINUTES: '5' }, { clock })
      const { env, page, base } = d
      const attacker = await startAttacker(base)
      try {
        const a = await env.newShop()
        const b = await env.newShop()
        await d.listen()
        const placeOrder = async (apiKey: string, email: string) => {
          const sx = createClient({ baseUrl: base, apiKey })
          const product = await sx.POST('/v1/products', { body: sampleProduct() as never })
          await sx.POST('/v1/products/{id}/stock', { params: { path: { id: product.id } }, body: { items: [email] } })
          return sx.POST('/v1/orders', { body: { customer_email: email, items: [{ product_id: product.id, qty: 1 }] } })
        }
        const ours = await placeOrder(a.keys.test, 'ours@example.com')
        const theirs = await placeOrder(b.keys.test, 'theirs@example.com')
        await d.signIn(a.owner.email)

        // CSRF: the attacker's page, in the same browser, posts forms and fetches with credentials.
        // 127.0.0.1 on another port is the same *site*, so SameSite=Lax sends the cookie: the server's
        // CSRF token and Origin checks are what refuse (/v1 answers 403, not 401: the cookie arrived).
        const evil = await page.context().newPage()
        const posts = recordPosts(evil, base)
        await evil.goto(attacker.origin)
        for (const form of ['product', 'mode']) {
          await Promise.all([
            evil.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/(v1|auth)\//),
            evil.locator(`#${form} button`).click(),
          ])
          await evil.goto(attacker.origin)
        }
        // Simple requests are sent (the answer is opaque to this page); JSON needs a preflight sx never grants.
        // (No named functions inside evaluate: tsx would wrap them in a helper the page lacks.)
        const attempt = (path: string, init: RequestInit) =>
          evil.evaluate(
            ({ url, init }) =>
              fetch(url, { method: 'POST', credentials: 'include', ...init }).then(
                (response) => response.type,
                () => 'blocked',
              ),
            { url: `${base}${path}`, init },
          )
        const fetched = [
          await attempt('/v1/products', { mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' }),
          await attempt('/auth/mode', { mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' }),
          await attempt('/v1/products', { headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' }),
        ]
        assert.deepEqual(fetched, ['opaque', 'opaque', 'blocked'])
        await evil.close()
        assert.deepEqual(posts, ['/v1/products 403', '/auth/mode 403', '/v1/products 403', '/auth/mode 403'])
        // Nothing changed: no product planted, the session still in test mode.
        const sxA = createClient({ baseUrl: base, apiKey: a.keys.test })
        const names = (await sxA.GET('/v1/products')).data.map((p) => p.name)
        assert.ok(!names.includes('Planted'), names.join())
        const cookie = (await page.context().cookies(base)).find((c) => c.name === 'sx_session')!
        const asOwner = (path: string, init: RequestInit = {}) =>
          fetch(`${base}${path}`, { ...init, headers: { cookie: `sx_session=${cookie.value}`, ...init.headers } })
        const now = await (await asOwner('/auth/session')).json()
        assert.equal(now.livemode, false)
        // Even with the session's CSRF token (leaked, say), a write naming another Origin is refused, saying where writes go.
        const leaked = await asOwner('/v1/products', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': now.csrf_token, origin: attacker.origin },
          body: JSON.stringify(sampleProduct()),
        })
        assert.equal(leaked.status, 403)
        assert.match((await leaked.json()).detail, new RegExp(`open the dashboard at ${base}/dashboard`))

        // Another shop's order, by URL: not found, with the problem's detail, and nothing of theirs.
        await page.goto(`${base}/dashboard/orders/${theirs.id}`)
        await page
          .getByRole('alert')
          .filter({ hasText: `No order ${theirs.id} in this shop.` })
          .waitFor()
        assert.ok(!(await page.content()).includes('theirs@example.com'))
        // The other mode's: ours is a test order, the session now in live mode.
        await page.getByLabel('Test mode').uncheck()
        await page.getByRole('note').waitFor({ state: 'detached' })
        await page.goto(`${base}/dashboard/orders/${ours.id}`)
        await page
          .getByRole('alert')
          .filter({ hasText: `No order ${ours.id} in this shop.` })
          .waitFor()
        assert.ok(!(await page.content()).includes('ours@example.com'))

        // Signed out in one tab: the other's next step shows the sign-in page.
        const other = await page.context().newPage()
        await other.goto(`${base}/dashboard`)
        await other.getByRole('heading', { name: 'Home', level: 1 }).waitFor()
        await page.getByRole('button', { name: 'Sign out' }).click()
        await page.getByRole('button', { name: 'Sign in' }).waitFor()
        await other.getByRole('link', { name: 'Orders', exact: true }).click()
        await other.getByRole('button', { name: 'Sign in' }).waitFor()
        await other.getByText(/Your session has ended/).waitFor()
        await other.close()

        // Left idle past SESSION_IDLE_MINUTES: the next step shows the sign-in page too.
        // (Signing in again returns to the page it was on, now in test mode: our order is there.)
        await d.attemptSignIn(a.owner.email)
        await page.getByText('ours@example.com').first().waitFor()
        clock.advance(6 * MINUTE)
        await page.getByRole('link', { name: 'Orders', exact: true }).click()
        await page.getByText(/Your session has ended/).waitFor()
        await d.screenshot('session-ended')

        // Opened as localhost while PUBLIC_URL is 127.0.0.1: a page naming the right address, not a
        // sign-in that fails; the server's refusal says the same.
        const port = new URL(base).port
        await page.goto(`http://localhost:${port}/dashboard`)
        await page.getByRole('heading', { name: 'Open the dashboard at its own address' }).waitFor()
        const link = page.getByRole('link', { name: `${base}/dashboard` })
        assert.equal(await link.getAttribute('href'), `${base}/dashboard`)
        await d.screenshot('wrong-address')
        const refusal = await page.evaluate(async () => {
          const response = await fetch('/auth/sign-in', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'x@example.com', password: 'whatever' }),
          })
          return { status: response.status, detail: (await response.json()).detail as string }
        })
        assert.equal(refusal.status, 403)
        assert.match(refusal.detail, new RegExp(`open the dashboard at ${base}/dashboard`))
        await link.click()
        await page.waitForURL(`${base}/dashboard`)
        await page.getByRole('button', { name: 'Sign in' }).waitFor()
        assert.deepEqual(d.refused, [], 'the CSP blocked nothing')
      } finally {
        await new Promise((resolve) => attacker.server.close(resolve))
        await d.close()
      }
    })
  }
})
