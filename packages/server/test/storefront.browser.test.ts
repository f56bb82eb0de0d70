// The storefront in a real browser, per dialect: browse the shop (a sold-out product shown as such,
// a draft not at all), open a product, buy it with a coupon through the checkout form, pay in the
// sandbox and see the key on the order page; change the payment method before paying; a cart of
// two products; the buy button on a page of another loopback port opening the overlay and reaching
// the order page; the coupon on the dashboard's order page; frames of other pages refused; the
// form at 390 px. Screenshots: `shop`,
// `product`, `checkout-form` (SCREENSHOTS=1).
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { DIALECTS, client, json, type List } from './harness.ts'
import { browserSuite, openDashboard, useBrowser } from './dashboard-browser.ts'
import { newProduct } from './orders-helpers.ts'
import type { Order } from '../src/modules/orders/orders.schemas.ts'

/** Serves `html` on another loopback port (another origin than sx's). */
async function hostPage(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server }
}

/** Fills Email and sends the form once the minimum fill time has passed. */
async function sendForm(page: Page, email: string, coupon?: string): Promise<void> {
  await page.getByLabel('Email').fill(email)
  if (coupon) await page.getByLabel('Coupon code (optional)').fill(coupon)
  await page.waitForTimeout(450)
  await page.getByRole('button', { name: 'Continue to payment' }).click()
  await page.waitForURL(/\/o\/[0-9A-Za-z]+$/)
}

describe('storefront in a browser', browserSuite, () => {
  const browser = useBrowser()

  for (const dialect of DIALECTS) {
    it(`${dialect}: browse, buy with a coupon, pay, cart, change of method, buy button, framing, 390 px`, async () => {
      const d = await openDashboard(browser(), dialect, { STOREFRONT_MIN_FILL_MS: '400' })
      const { page, base, env } = d
      const hosts: Server[] = []
      try {
        const shop = await env.newShop()
        const api = client(env.app, shop.keys.test)
        const slug = shop.shop.slug
        const key = await newProduct(
          api,
          { name: 'Game key', price_cents: 2000, description: '**Instant** delivery.' },
          ['KEY-AAA-111', 'KEY-BBB-222', 'KEY-CCC-333'],
        )
        const ebook = await newProduct(api, { name: 'Ebook bundle', price_cents: 500 }, ['KEY-EBOOK-1'])
        await newProduct(api, { name: 'Rare skin', price_cents: 900 })
        await newProduct(api, { name: 'Secret draft', price_cents: 100, status: 'draft' }, ['X'])
        await api.post('/v1/coupons', { code: 'SAVE10', percent_off: 10 })
        await d.listen()
        const orders = async () => json<List<Order>>(await api.get('/v1/orders')).data

        // The shop: active products with prices, sold out shown, drafts never.
        await page.goto(`${base}/s/${slug}`)
        await page.getByTestId('test-banner').waitFor()
        const cards = await page.getByTestId('product').allInnerTexts()
        assert.equal(cards.length, 3, cards.join(' | '))
        assert.ok(cards.some((card) => card.includes('Rare skin') && card.includes('Sold out')))
        assert.ok(!cards.some((card) => card.includes('Secret draft')))
        await d.screenshot('shop')
        await page.getByRole('link', { name: /Rare skin/ }).click()
        await page.getByTestId('sold-out').waitFor()
        assert.equal(await page.getByRole('button', { name: 'Buy now' }).count(), 0)
        assert.equal((await page.goto(`${base}/s/${slug}/secret-draft`))!.status(), 404)

        // A product, "Buy now", the form with a coupon, then the order page; paid in the sandbox.
        await page.goto(`${base}/s/${slug}`)
        await page.getByRole('link', { name: /Game key/ }).click()
        await page.getByRole('heading', { name: 'Game key' }).waitFor()
        await d.screenshot('shop-product')
        await page.getByRole('button', { name: 'Buy now' }).click()
        await page.getByRole('group', { name: 'Pay with' }).waitFor()
        await d.screenshot('checkout-form')
        await page.getByLabel('USDC on Ethereum').check()
        await sendForm(page, 'buyer@example.com', 'save10')
        const [bought] = await orders()
        assert.equal(bought!.coupon, 'SAVE10')
        assert.equal(bought!.total_cents, 1800)
        assert.equal(bought!.payment.chain, 'ethereum')

        // Change of method before paying: a new quote for the same order.
        const before = (await page.getByTestId('address').textContent())!.trim()
        await page.getByText('Pay with another coin or network').click()
        await page.getByLabel('USDT on Tron').check()
        await page.getByRole('button', { name: 'Change payment method' }).click()
        await page.waitForFunction(
          (old) => document.querySelector('[data-testid=address]')?.textContent?.trim() !== old,
          before,
        )
        const changed = json<Order>(await api.get(`/v1/orders/${bought!.id}`))
        assert.equal(changed.payment.chain, 'tron')
        assert.equal((await page.getByTestId('address').textContent())!.trim(), changed.payment.address)

        assert.equal((await api.post(`/v1/test_helpers/orders/${bought!.id}/pay`, {})).statusCode, 200)
        await page.getByTestId('delivered-item').first().waitFor({ timeout: 15_000 })
        assert.match(await page.locator('main').innerText(), /KEY-[ABC]{3}-\d{3}/)

        // A cart of two products.
        await page.goto(`${base}/s/${slug}`)
        await page.getByRole('link', { name: /Ebook bundle/ }).click()
        await page.getByRole('button', { name: 'Add to cart' }).click()
        await page.goto(`${base}/s/${slug}`)
        await page.getByRole('link', { name: /Game key/ }).click()
        await page.getByRole('button', { name: 'Add to cart' }).click()
        await page.getByTestId('line').nth(1).waitFor()
        assert.equal(await page.getByTestId('line').count(), 2)
        await sendForm(page, 'cart@example.com')
        const cart = (await orders()).find((o) => o.customer_email === 'cart@example.com')!
        assert.deepEqual(cart.items.map((item) => item.product_id).sort(), [ebook, key].sort())

        // 390 px: the form fits without sideways scrolling.
        await page.setViewportSize({ width: 390, height: 844 })
        await page.goto(`${base}/s/${slug}/checkout?product=${key}`)
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390))
        await page.setViewportSize({ width: 1280, height: 900 })

        // The buy button on another site: the overlay's form reaches the order page.
        const merchant = await hostPage(
          `<!doctype html><title>Merchant</title><button data-sx-product="${key}">Buy the key</button><script src="${base}/embed.js"></script>`,
        )
        hosts.push(merchant.server)
        await page.goto(merchant.url)
        await page.getByRole('button', { name: 'Buy the key' }).click()
        const overlay = page.frameLocator('iframe[title=Checkout]')
        await overlay.getByLabel('Email').waitFor()
        await page.keyboard.press('Escape')
        assert.equal(await page.locator('[data-sx-overlay]').count(), 0, 'Esc closes the overlay')
        await page.getByRole('button', { name: 'Buy the key' }).click()
        await overlay.getByLabel('Email').fill('embed@example.com')
        await page.waitForTimeout(450)
        await overlay.getByRole('button', { name: 'Continue to payment' }).click()
        await page.waitForURL(new RegExp(`^${base}/o/[0-9A-Za-z]+$`))

        // The merchant sees the coupon and its discount on the order in the dashboard.
        await d.signIn(shop.owner.email)
        await page.goto(`${base}/dashboard/orders/${bought!.id}`)
        assert.equal(await page.getByTestId('order-coupon').innerText(), 'SAVE10: −$2.00')

        // Other pages refuse to be framed: their frames never show them.
        const framer = await hostPage(
          `<!doctype html><iframe name="dash" src="${base}/dashboard"></iframe><iframe name="shop" src="${base}/s/${slug}"></iframe>`,
        )
        hosts.push(framer.server)
        await page.goto(framer.url)
        await page.waitForTimeout(500)
        for (const name of ['dash', 'shop']) {
          const frame = page.frame({ name })!
          assert.ok(!frame.url().startsWith(base), `${name} is not shown in a frame (${frame.url()})`)
        }
        d.refused.splice(
          0,
          d.refused.length,
          ...d.refused.filter((text) => !/frame-ancestors|X-Frame-Options/.test(text)),
        )
        assert.deepEqual(d.refused, [])
      } finally {
        for (const server of hosts) server.close()
        await d.close()
      }
    })
  }
})
