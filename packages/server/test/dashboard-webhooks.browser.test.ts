// The dashboard's Webhooks and Settings pages in a real browser against a real server: an endpoint
// added with the event picker receives a signed test ping (checked with the SDK's verifyWebhook),
// its secret rotated, a failed delivery retried from the log, then disabled, enabled, deleted; the shop's name and brand colour
// saved and seen on a checkout page; the password changed and used to sign in again.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createClient, verifyWebhook } from '@sx/sdk'
import { browserSuite, openDashboard, useBrowser } from './dashboard-browser.ts'
import { DIALECTS } from './harness.ts'
import { OWNER_PASSWORD } from './session-helpers.ts'
import { startReceiver } from './webhook-helpers.ts'

describe('dashboard Webhooks and Settings in a browser', browserSuite, () => {
  const browser = useBrowser()

  for (const dialect of DIALECTS) {
    it(`${dialect}: webhook test, rotation and retry; brand on checkout; password change`, async () => {
      const d = await openDashboard(browser(), dialect)
      const { env, page, base } = d
      try {
        const shop = await env.newShop()
        const receiver = await startReceiver()
        await d.signIn(shop.owner.email)

        // Webhooks: the empty state, then an endpoint for two events; its secret is shown once.
        await page.getByRole('link', { name: 'Webhooks' }).click()
        await page.getByText(/No endpoints yet/).waitFor()
        await page.getByLabel('Endpoint URL').fill('ftp://127.0.0.1/hook')
        await page.getByRole('button', { name: 'Add endpoint' }).click()
        await page.getByRole('alert').filter({ hasText: 'Pick at least one event.' }).waitFor()
        await page.getByLabel('Product created').check()
        await page.getByLabel('Order paid').check()
        await page.getByRole('button', { name: 'Add endpoint' }).click()
        await page.locator('#webhook-url-error').waitFor()
        assert.equal(await page.getByLabel('Endpoint URL').getAttribute('aria-invalid'), 'true')
        await page.getByLabel('Endpoint URL').fill(receiver.url)
        await page.getByLabel('Description (optional)').fill('Fulfilment')
        await page.getByRole('button', { name: 'Add endpoint' }).click()
        const secret = (await page.getByTestId('secret').innerText()).trim()
        assert.match(secret, /^whsec_/)
        const card = page.getByRole('region', { name: receiver.url })
        assert.match(await card.innerText(), /order\.paid, product\.created[\s\S]*Enabled/)

        // Send test: the receiver got a ping signed with that secret, and the log shows it.
        await card.getByRole('button', { name: 'Send test' }).click()
        await card.getByText(/Test ping delivered: HTTP 200/).waitFor()
        await card.getByRole('cell', { name: /succeeded \(test/ }).waitFor()
        assert.equal((await verifyWebhook({ secret, ...receiver.received[0]! })).type, 'ping')

        // Rotate: the new secret (shown once) signs the next ping.
        await card.getByRole('button', { name: 'Rotate secret' }).click()
        const rotated = (await card.getByTestId('secret').innerText()).trim()
        assert.match(rotated, /^whsec_/)
        assert.notEqual(rotated, secret)
        await card.getByRole('button', { name: 'Send test' }).click()
        await card
          .getByRole('cell', { name: /succeeded \(test/ })
          .nth(1)
          .waitFor()
        assert.equal((await verifyWebhook({ secret: rotated, ...receiver.received[1]! })).type, 'ping')

        // A real event the receiver refuses (500) shows as failed; Retry sends it again and succeeds.
        receiver.answerWith(() => ({ status: 500, body: 'receiver broke' }))
        const sx = createClient({ baseUrl: base, apiKey: shop.keys.test })
        const product = await sx.POST('/v1/products', {
          body: { name: 'Editor licence', type: 'license_key', price_cents: 1900, currency: 'USD' },
        })
        await env.drain()
        assert.equal(receiver.received.length, 3)
        await page.getByRole('link', { name: 'Webhooks' }).click()
        const failed = card.getByRole('row', { name: /product\.created.*failed \(scheduled/ })
        assert.match(await failed.innerText(), /next try[\s\S]*500[\s\S]*receiver broke/)
        receiver.answerWith(() => 200)
        await failed.getByRole('button', { name: 'Retry' }).click()
        await card.getByRole('row', { name: /product\.created.*succeeded \(manual/ }).waitFor()
        assert.equal(await card.getByRole('button', { name: 'Retry' }).count(), 0, 'delivered: nothing to retry')
        assert.doesNotMatch(await card.innerText(), /next try/)
        const [first, again] = receiver.events().slice(2)
        assert.equal(again?.id, first?.id)
        assert.equal((await verifyWebhook({ secret: rotated, ...receiver.received[3]! })).type, 'product.created')

        // Disable, enable.
        await card.getByRole('button', { name: 'Disable' }).click()
        await card.getByText('Disabled', { exact: true }).waitFor()
        await card.getByRole('button', { name: 'Enable' }).click()
        await card.getByText('Enabled', { exact: true }).waitFor()
        await d.screenshot('webhooks')
        await card.getByRole('button', { name: 'Delete' }).click()
        await page.getByText(/No endpoints yet/).waitFor()

        // Settings: a refused field shows its message by the field; then name and colour are saved.
        await page.getByRole('link', { name: 'Settings' }).click()
        await page.getByLabel('Logo URL').fill('http://cdn.example/logo.png')
        await page.getByRole('button', { name: 'Save settings' }).click()
        await page.locator('#shop-logo-error').filter({ hasText: /https/ }).waitFor()
        assert.equal(await page.getByLabel('Logo URL').getAttribute('aria-invalid'), 'true')
        await page.getByLabel('Logo URL').fill('')
        await page.getByLabel('Shop name').fill('Acme Keys')
        await page.getByLabel('Brand colour (hex)').fill('#0f766e')
        assert.equal(await page.getByLabel('Brand colour', { exact: true }).inputValue(), '#0f766e')
        await page.getByRole('button', { name: 'Save settings' }).click()
        await page.getByText('Settings saved.').waitFor()
        assert.equal(await page.locator('#shell-shop-name').innerText(), 'Acme Keys')
        assert.equal(await page.title(), 'Acme Keys · sx')
        await d.screenshot('settings')

        // The checkout page of a test order uses them.
        await sx.POST('/v1/products/{id}/stock', { params: { path: { id: product.id } }, body: { items: ['K-1'] } })
        const order = await sx.POST('/v1/orders', {
          body: { customer_email: 'buyer@example.com', items: [{ product_id: product.id, qty: 1 }] },
        })
        const checkout = await browser().newPage()
        try {
          await checkout.goto(order.checkout_url)
          await checkout.getByText('Acme Keys').first().waitFor()
          const accent = await checkout.evaluate(() =>
            getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
          )
          assert.equal(accent, '#0f766e')
        } finally {
          await checkout.close()
        }

        // Password: the wrong current one is refused by its field; then changed, and signing in takes it.
        const changed = 'a brand new passphrase'
        await page.getByLabel('Current password').fill('not it at all')
        await page.getByLabel('New password').fill(changed)
        await page.getByRole('button', { name: 'Change password' }).click()
        await page.locator('#current-password-error').filter({ hasText: 'is not the current password' }).waitFor()
        await page.getByLabel('Current password').fill(OWNER_PASSWORD)
        await page.getByRole('button', { name: 'Change password' }).click()
        await page.getByText('Password changed.').waitFor()
        await page.getByRole('button', { name: 'Sign out' }).click()
        await page.getByRole('button', { name: 'Sign in' }).waitFor()
        await d.attemptSignIn(shop.owner.email, OWNER_PASSWORD)
        await page
          .getByRole('alert')
          .filter({ hasText: /password/i })
          .waitFor()
        await d.attemptSignIn(shop.owner.email, changed)
        // Signed in again where it signed out (the address stayed /dashboard/settings).
        await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
        assert.deepEqual(d.refused, [], 'the CSP blocked nothing')
      } finally {
        await d.close()
      }
    })
  }
})
