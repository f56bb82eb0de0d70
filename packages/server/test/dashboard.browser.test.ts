// The dashboard in a real browser against a real server (the files' headers: dashboard.routes.test.ts):
// sign-in errors (401, 429), Home, minting and revoking an API key, a test order placed with the
// SDK seen in Orders and refunded there. SCREENSHOTS=1 also writes each page at 1280 and 390 px
// into docs/screenshots/ (SQLite run only). Needs Debian's chromium, like checkout.browser.test.ts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createClient } from '@sx/sdk'
import { browserSuite, openDashboard, useBrowser } from './dashboard-browser.ts'
import { DIALECTS } from './harness.ts'
import { OWNER_PASSWORD } from './session-helpers.ts'

describe('dashboard in a browser', browserSuite, () => {
  const browser = useBrowser()

  for (const dialect of DIALECTS) {
    it(`${dialect}: signs in, shows Home, mints and revokes a key, refunds an order`, async () => {
      const d = await openDashboard(browser(), dialect, { SIGN_IN_PER_ACCOUNT: '2' })
      const { env, page, base } = d
      try {
        const shop = await env.newShop()
        const other = await env.newShop()
        await d.listen()

        // Sign-in errors: a wrong password (401), then the account's budget spent (429).
        await page.goto(`${base}/dashboard`)
        await d.screenshot('sign-in')
        await d.attemptSignIn(other.owner.email, 'wrong password')
        await page
          .getByRole('alert')
          .filter({ hasText: /password/i })
          .waitFor()
        await d.attemptSignIn(other.owner.email, 'wrong password')
        await d.attemptSignIn(other.owner.email, 'wrong password')
        await page
          .getByRole('alert')
          .filter({ hasText: /too many|try again/i })
          .waitFor()

        // Signed in: Home in test mode.
        await d.attemptSignIn(shop.owner.email, OWNER_PASSWORD)
        await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor()
        assert.match(await page.getByRole('note').innerText(), /Test mode/)
        await page.locator('svg.chart').waitFor()
        for (const label of ['Home', 'Products', 'Orders', 'API keys'])
          assert.equal(await page.getByRole('link', { name: label, exact: true }).count(), 1, label)

        // API keys: mint one (its secret shown once works on /v1), then revoke it (it stops working).
        await page.getByRole('link', { name: 'API keys' }).click()
        await page.getByLabel('Name').fill('Reporting')
        await page.getByLabel('orders:read').check()
        await page.getByRole('button', { name: 'Create key' }).click()
        const secret = (await page.getByTestId('secret').innerText()).trim()
        assert.match(secret, /^sx_test_/)
        await page.getByRole('cell', { name: 'Reporting', exact: true }).waitFor()
        await d.screenshot('api-keys')
        const minted = createClient({ baseUrl: base, apiKey: secret, retries: 0 })
        await minted.GET('/v1/orders')
        await page.getByRole('button', { name: 'Revoke Reporting' }).click()
        await page.getByRole('cell', { name: 'Reporting', exact: true }).waitFor({ state: 'detached' })
        await assert.rejects(minted.GET('/v1/orders'), { status: 401 })

        // A test order placed and paid with the SDK shows in Orders; refund it from its page.
        const sx = createClient({ baseUrl: base, apiKey: shop.keys.test })
        const product = await sx.POST('/v1/products', {
          body: { name: 'Editor licence', type: 'license_key', price_cents: 1900, currency: 'USD' },
        })
        await sx.POST('/v1/products/{id}/stock', { params: { path: { id: product.id } }, body: { items: ['K-1'] } })
        const order = await sx.POST('/v1/orders', {
          body: { customer_email: 'buyer@example.com', items: [{ product_id: product.id, qty: 1 }] },
        })
        await sx.POST('/v1/test_helpers/orders/{id}/pay', { params: { path: { id: order.id } } })
        await env.drain()

        // Products: create a license_key product and paste keys into it, and a file_download with its file.
        await page.getByRole('link', { name: 'Products' }).click()
        await page.getByRole('cell', { name: product.name, exact: true }).waitFor()
        const create = async (name: string, type: string, price: string) => {
          await page.getByLabel('Name', { exact: true }).fill(name)
          await page.getByLabel('Type', { exact: true }).selectOption(type)
          await page.getByLabel('Price', { exact: true }).fill(price)
        }
        await create('Pasted keys', 'license_key', '4.50')
        await page.getByRole('button', { name: 'Create product' }).click()
        await page.getByRole('cell', { name: 'Pasted keys', exact: true }).waitFor()
        await page.getByLabel('Add keys to Pasted keys').fill('P-1\nP-2\n P-1 \n')
        await page
          .getByRole('row', { name: /Pasted keys/ })
          .getByRole('button', { name: 'Import' })
          .click()
        await page.getByText('Pasted keys: 2 imported, 1 skipped as duplicates, 2 in stock.').waitFor()
        await create('Manual', 'file_download', '9')
        const pdf = { name: 'manual.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 manual') }
        await page.getByLabel('File', { exact: true }).setInputFiles(pdf)
        await page.getByRole('button', { name: 'Create product' }).click()
        await page.getByRole('cell', { name: 'Manual', exact: true }).waitFor()
        const made = (await sx.GET('/v1/products', { params: { query: { limit: 10 } } })).data
        assert.equal(made.find((p) => p.name === 'Pasted keys')?.stock, 2)
        assert.equal(made.find((p) => p.name === 'Manual')?.file?.name, 'manual.pdf')
        await page.getByRole('link', { name: 'Orders' }).click()
        await page.getByLabel('Status').selectOption('completed')
        await page.getByRole('link', { name: order.id }).waitFor()
        await page.getByLabel('Search').fill('nobody@')
        await page.getByText('No order matches.').waitFor()
        await page.getByLabel('Search').fill('buyer@')
        await d.screenshot('orders')
        await page.getByRole('link', { name: order.id }).click()
        await page.getByRole('heading', { name: 'Lines' }).waitFor()
        await page.getByRole('button', { name: /^Refund/ }).click()
        await page
          .locator('.timeline')
          .getByText(/Refund/)
          .waitFor()
        const refunded = await sx.GET('/v1/orders/{id}', { params: { path: { id: order.id } } })
        assert.equal(refunded.refunded_cents, refunded.total_cents)

        // Home again, now with the order in its chart and recent orders.
        await page.getByRole('link', { name: 'Home' }).click()
        await page.getByRole('link', { name: order.id }).waitFor()
        assert.match(await page.locator('figcaption').innerText(), /1 paid order,/)
        await d.screenshot('home')

        // Live mode: the banner goes; sign out returns to the sign-in page.
        await page.getByLabel('Test mode').uncheck()
        await page.getByRole('note').waitFor({ state: 'detached' })
        await page.getByRole('button', { name: 'Sign out' }).click()
        await page.getByRole('button', { name: 'Sign in' }).waitFor()
        assert.deepEqual(d.refused, [], 'the CSP blocked nothing')
      } finally {
        await d.close()
      }
    })
  }
})
