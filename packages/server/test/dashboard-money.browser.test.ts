// The dashboard's Customers, Payouts, Home "needs attention" and password reset in a real browser
// against a real server: a paid physical test order (placed with the SDK) is seen from Home's
// panel, from Customers and its customer; its money is paid out with the address checked as it is
// typed; a forgotten password is reset through the mailed link. Needs Debian's chromium.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createClient } from '@sx/sdk'
import { browserSuite, openDashboard, useBrowser } from './dashboard-browser.ts'
import { DIALECTS, present } from './harness.ts'
import { SHIP_TO } from './orders-helpers.ts'
import { startSmtpSink } from './smtp-sink.ts'

/** A well-formed tron address (base58check, 0x41 prefix); one character off breaks its checksum. */
const TRON_ADDRESS = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'

describe('dashboard: customers, payouts, needs attention, password reset', browserSuite, () => {
  const browser = useBrowser()

  for (const dialect of DIALECTS) {
    it(`${dialect}: follows an order from Home and Customers, pays out, resets the password`, async () => {
      const smtp = await startSmtpSink()
      const d = await openDashboard(browser(), dialect, { SMTP_URL: smtp.url, SANDBOX_PAYOUT_CONFIRM_MS: '0' })
      const { env, page, base } = d
      try {
        const shop = await env.newShop()
        await d.listen()
        const sx = createClient({ baseUrl: base, apiKey: shop.keys.test })
        const poster = await sx.POST('/v1/products', {
          body: { name: 'Poster', type: 'physical', price_cents: 2500, currency: 'USD', stock: 3 },
        })
        const order = await sx.POST('/v1/orders', {
          body: {
            customer_email: 'buyer@example.com',
            items: [{ product_id: poster.id, qty: 1 }],
            shipping_address: SHIP_TO,
          },
        })
        await sx.POST('/v1/test_helpers/orders/{id}/pay', { params: { path: { id: order.id } } })
        await env.drain()

        // Home: the paid poster order waits to be shipped, and two posters are left (≤ 5).
        await d.signIn(shop.owner.email)
        const attention = page.getByRole('region', { name: 'Needs attention' })
        await attention.getByRole('link', { name: 'Poster: 2 left in stock' }).waitFor()
        await attention.getByRole('link', { name: new RegExp(`Ship order ${order.id}`) }).click()
        await page.getByRole('heading', { name: `Order ${order.id}` }).waitFor()

        // Customers → the buyer → their order.
        await page.getByRole('link', { name: 'Customers', exact: true }).click()
        await page.getByRole('link', { name: 'buyer@example.com' }).waitFor()
        await page.getByLabel('Search by email').fill('nobody')
        await page.getByText('No customer email matches.').waitFor()
        await page.getByLabel('Search by email').fill('BUYER@')
        assert.match(await page.getByRole('row', { name: /buyer@example.com/ }).innerText(), /1\s+25\.00/)
        await d.screenshot('customers')
        await page.getByRole('link', { name: 'buyer@example.com' }).click()
        await page.getByRole('heading', { name: 'buyer@example.com', level: 1 }).waitFor()
        await d.screenshot('customer')
        await page.getByRole('link', { name: order.id }).click()
        await page.getByRole('heading', { name: `Order ${order.id}` }).waitFor()

        // Payouts: the $25 received; a bad address is refused as it is typed, a good one is paid out.
        await page.getByRole('link', { name: 'Payouts', exact: true }).click()
        await page.getByText('$25.00', { exact: true }).waitFor()
        await page.getByLabel('Amount').fill('10')
        await page.getByLabel('Chain').selectOption('tron')
        await page.getByLabel('Asset').selectOption('USDT')
        const address = page.getByLabel('Destination address')
        const requestPayout = page.getByRole('button', { name: 'Request payout' })
        await address.pressSequentially(TRON_ADDRESS.slice(0, -1) + 'u')
        await page.getByText('Not a valid tron address.').waitFor()
        assert.equal(await requestPayout.isDisabled(), true)
        await address.fill(TRON_ADDRESS)
        await page.getByText('A valid tron address.').waitFor()
        await page.getByLabel('Amount').fill('100')
        await requestPayout.click()
        await page.getByRole('alert').filter({ hasText: 'exceeds the available USD balance' }).waitFor()
        await page.getByLabel('Amount').fill('10')
        await requestPayout.click()
        await page.getByRole('cell', { name: TRON_ADDRESS }).waitFor()
        await page.getByText('$15.00', { exact: true }).waitFor()
        // The page follows the payout while it is on its way: the worker sends it, the sandbox confirms it.
        await env.drain()
        await env.drain()
        await page.getByRole('cell', { name: 'confirmed' }).waitFor()
        await d.screenshot('payouts')
        const payouts = await sx.GET('/v1/payouts')
        assert.deepEqual(
          payouts.data.map((p) => [p.amount_cents, p.chain, p.asset, p.destination_address]),
          [[1000, 'tron', 'USDT', TRON_ADDRESS]],
        )

        // Forgot password: the mailed link opens the reset page; the new password signs in.
        await page.getByRole('button', { name: 'Sign out' }).click()
        await page.getByRole('link', { name: 'Forgot password?' }).click()
        await page.getByLabel('Email').fill(shop.owner.email)
        await page.getByRole('button', { name: 'Send reset link' }).click()
        await page.getByText(/a reset link is on its way/).waitFor()
        await env.drain()
        const mail = await smtp.waitFor((m) => m.to.includes(shop.owner.email))
        const link = present(/\S+\/dashboard\/reset-password#token=\S+/.exec(mail.text)?.[0], 'the link')
        assert.ok(link.startsWith(base), mail.text)
        await page.goto(link)
        await page.getByLabel('New password', { exact: true }).fill('a brand new password')
        await d.screenshot('reset-password')
        await page.getByRole('button', { name: 'Set new password' }).click()
        await page.getByText('Your password is changed').waitFor()
        assert.equal(new URL(page.url()).hash, '', 'the token is out of the address bar')
        // The link works once: opened again, the server's reason is shown.
        await page.goto(link)
        await page.getByLabel('New password', { exact: true }).fill('yet another password')
        await page.getByRole('button', { name: 'Set new password' }).click()
        await page.getByRole('alert').filter({ hasText: 'token is unknown, used or expired' }).waitFor()
        await page.getByRole('link', { name: 'Back to sign in' }).click()
        await d.attemptSignIn(shop.owner.email, 'a brand new password')
        await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor()
        assert.deepEqual(d.refused, [], 'the CSP blocked nothing')
      } finally {
        await d.close()
        await smtp.close()
      }
    })
  }
})
