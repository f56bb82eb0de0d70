// How sx serves the dashboard's build: the shell (not cached, strict CSP) at /dashboard and every
// deep link under it, hashed assets cached for a year, unknown assets 404. The pages themselves are
// exercised in a browser by dashboard.browser.test.ts.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildDashboard } from '../../dashboard/build.js'
import { DIALECTS, startTestEnv, type TestEnv } from './harness.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: dashboard files`, () => {
    let env: TestEnv
    before(async () => {
      await buildDashboard()
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    it('answers the shell at /dashboard and its deep links, with no-cache and a strict CSP', async () => {
      for (const url of ['/dashboard', '/dashboard/', '/dashboard/orders/ord_123', '/dashboard/api-keys']) {
        const shell = await env.app.inject({ method: 'GET', url })
        assert.equal(shell.statusCode, 200, url)
        assert.match(String(shell.headers['content-type']), /^text\/html/)
        assert.equal(shell.headers['cache-control'], 'no-cache')
        const csp = String(shell.headers['content-security-policy'])
        assert.match(csp, /default-src 'self'/)
        assert.match(csp, /script-src 'self'(;|$)/)
        assert.doesNotMatch(csp, /unsafe-inline|https?:/)
        assert.doesNotMatch(shell.body, /<script>|style=/, 'nothing inline')
        // The app compares PUBLIC_URL with its own origin (signed-in writes come from that one only).
        assert.ok(shell.body.includes(`<meta name="sx-public-url" content="${env.services.config.http.publicUrl}">`))
      }
    })

    it('serves the hashed assets the shell names as immutable, and 404s others', async () => {
      const shell = (await env.app.inject({ method: 'GET', url: '/dashboard' })).body
      const assets = [...shell.matchAll(/"(\/dashboard\/assets\/main-[A-Z0-9]+\.(js|css))"/g)].map((m) => m[1]!)
      assert.equal(assets.length, 2, shell)
      for (const url of assets) {
        const asset = await env.app.inject({ method: 'GET', url })
        assert.equal(asset.statusCode, 200, url)
        assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
        assert.match(String(asset.headers['content-type']), url.endsWith('.js') ? /^text\/javascript/ : /^text\/css/)
      }
      const missing = await env.app.inject({ method: 'GET', url: '/dashboard/assets/main-NOPE.js' })
      assert.equal(missing.statusCode, 404)
      assert.equal(missing.json().type, 'not_found')
      const traversal = await env.app.inject({ method: 'GET', url: '/dashboard/assets/..%2Fbuild.js' })
      assert.equal(traversal.statusCode, 422, 'the name must be a plain file name')
    })
  })
}
