// The /docs reference in a real browser: it renders from /openapi.json, and its "Try it" sends a
// request with a test key straight to this server and shows the answer — with nothing fetched
// from third-party hosts. Needs Debian's chromium (CI installs it); skipped without it elsewhere.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startTestEnv, type TestEnv } from './harness.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const hasBrowser = existsSync(CHROMIUM)
if (!hasBrowser && process.env.CI === 'true') throw new Error(`CI=true needs a browser at ${CHROMIUM}`)

describe('docs reference in a browser', { skip: hasBrowser ? false : `no browser at ${CHROMIUM}` }, () => {
  let env: TestEnv
  let browser: Browser
  let baseUrl: string
  before(async () => {
    env = await startTestEnv('sqlite')
    baseUrl = await env.app.listen({ host: '127.0.0.1', port: 0 })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    })
  })
  after(async () => {
    await browser?.close()
    await env?.close()
  })

  it('"Try it" lists products with a test key, without third-party requests', async () => {
    const shop = await env.newShop()
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const requested: string[] = []
    page.on('request', (request) => requested.push(request.url()))

    await page.goto(`${baseUrl}/docs/`, { waitUntil: 'networkidle' })
    await page.getByPlaceholder('Token').first().fill(shop.keys.test)
    await page.getByText('List products').first().click()
    await testRequestButton(page, 'List products').click()
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/products')
    await page.getByRole('button', { name: /^Send/i }).first().click()
    const response = await answered

    assert.equal(response.status(), 200)
    assert.equal(response.request().headers()['authorization'], `Bearer ${shop.keys.test}`)
    assert.equal((await response.json()).object, 'list')
    await page.getByText('200 OK').first().waitFor()
    const foreign = requested.filter((url) => new URL(url).origin !== baseUrl)
    assert.deepEqual(foreign, [], 'the reference fetches nothing from other hosts')
  })

  it('"Try it" on a POST sends the documented example body, which the API accepts', async () => {
    const shop = await env.newShop()
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    await page.goto(`${baseUrl}/docs/`, { waitUntil: 'networkidle' })
    await page.getByPlaceholder('Token').first().fill(shop.keys.test)
    await page.getByText('Create a product').first().click()
    await testRequestButton(page, 'Create a product').click()
    const answered = page.waitForResponse(
      (response) => new URL(response.url()).pathname === '/v1/products' && response.request().method() === 'POST',
    )
    await page.getByRole('button', { name: /^Send/i }).first().click()
    const response = await answered

    assert.equal(
      response.status(),
      201,
      `${await response.text()} sent ${response.request().postData()} with ${JSON.stringify(response.request().headers())}`,
    )
    assert.equal((await response.json()).name, 'Adobe Creative Cloud Key')
  })
})

/** The "Test Request" button of one operation (the reference renders many; which come first depends on the document). */
function testRequestButton(page: Page, operation: string) {
  return page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: operation }) })
    .last()
    .getByRole('button', { name: /Test Request/i })
    .first()
}
