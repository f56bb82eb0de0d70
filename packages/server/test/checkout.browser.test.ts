// The buyer's checkout page in a real browser: it shows the exact amount, address, QR code and
// countdown with a test-mode banner, fetches nothing from other hosts, and — once the sandbox payment
// lands through the API — updates itself in place (no reload) to show the delivered keys.
// Needs Debian's chromium (CI installs it); skipped without it elsewhere, like docs.browser.test.ts.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { chromium, type Browser } from 'playwright-core'
import { DIALECTS, client, listen, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'

/** The page's window with a mark a reload would wipe. */
type MarkedWindow = Window & { __marker?: number }

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const hasBrowser = existsSync(CHROMIUM)
if (!hasBrowser && process.env.CI === 'true') throw new Error(`CI=true needs a browser at ${CHROMIUM}`)

const KEYS = ['KEY-ONE-111', 'KEY-TWO-222']

describe('checkout page in a browser', { skip: hasBrowser ? false : `no browser at ${CHROMIUM}` }, () => {
  let browser: Browser
  before(async () => {
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
  })

  // One browser for all dialects; each dialect gets its own database and server (cheap: ~1 s).
  for (const dialect of DIALECTS) {
    it(`${dialect}: shows the invoice, then the keys once paid, without reloading`, async () => {
      const env: TestEnv = await startTestEnv(dialect)
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } })
      try {
        const shop = await env.newShop()
        const api = client(env.app, shop.keys.test)
        const product = await api.post('/v1/products', sampleProduct())
        assert.equal(product.statusCode, 201, product.body)
        const id = product.json().id
        const stock = await api.post(`/v1/products/${id}/stock`, { items: KEYS })
        assert.equal(stock.statusCode, 201, stock.body)
        const created = await api.post('/v1/orders', {
          customer_email: 'buyer@example.com',
          items: [{ product_id: id, qty: 2 }],
        })
        assert.equal(created.statusCode, 201, created.body)
        const order = created.json()
        assert.equal(order.status, 'awaiting_payment')
        assert.ok(order.checkout_url && order.payment?.amount && order.payment?.address, created.body)

        // checkout_url is built from PUBLIC_URL (default 127.0.0.1:3000), not this server: keep only the path.
        const base = await listen(env.app)
        const requested: string[] = []
        page.on('request', (request) => requested.push(request.url()))
        const refused: string[] = []
        page.on('console', (message) => {
          if (/Content Security Policy/i.test(message.text())) refused.push(message.text())
        })
        const loaded = await page.goto(base + new URL(order.checkout_url).pathname, { waitUntil: 'load' })
        // No inline script may run but the page's own, which the policy names by its hash.
        const scriptSrc = /script-src ([^;]*)/.exec(loaded!.headers()['content-security-policy'] ?? '')?.[1] ?? ''
        assert.match(scriptSrc, /^'sha256-[A-Za-z0-9+/]{43}='$/)

        assert.ok((await page.getByTestId('amount').textContent())!.includes(order.payment.amount), 'the exact amount')
        assert.equal((await page.getByTestId('address').textContent())!.trim(), order.payment.address)
        assert.equal(await page.locator('[data-testid=qr] svg').count(), 1, 'an inline SVG QR code')
        // The script rewrites the countdown every second; it must show a running m:ss (or h:mm:ss).
        assert.match(
          (await page.getByTestId('countdown').innerText()).replace(/\s+/g, ' '),
          /Expires in \d+(:\d\d){1,2}/,
        )
        assert.match(await page.locator('.test-banner').innerText(), /Test mode/i)

        // A marker on window survives only if the page updates in place rather than navigating.
        let navigations = 0
        page.on('framenavigated', (frame) => {
          if (frame === page.mainFrame()) navigations++
        })
        await page.evaluate(() => {
          ;(window as MarkedWindow).__marker = 1
        })

        // Pay through the API, as a chain watcher would; the worker delivers, the page's 2 s poll notices.
        const paid = await api.post(`/v1/test_helpers/orders/${order.id}/pay`, {})
        assert.equal(paid.statusCode, 200, paid.body)
        // data-final flips only when the completed <main> is swapped in; status text follows ~100 ms later.
        await page.waitForSelector('main#order[data-final=true]', { timeout: 10_000 })
        await page.waitForFunction(
          () => /completed/i.test(document.querySelector('[data-testid=status]')?.textContent ?? ''),
          null,
          { timeout: 2_000 },
        )

        const items = await page.getByTestId('delivered-item').allInnerTexts()
        assert.equal(items.length, 2, items.join(' | '))
        for (const key of KEYS)
          assert.ok(
            items.some((text) => text.includes(key)),
            `${key} is shown`,
          )
        assert.equal(
          await page.locator('[data-testid=amount], [data-testid=qr]').count(),
          0,
          'no payment prompt once paid',
        )
        assert.equal(await page.evaluate(() => (window as MarkedWindow).__marker), 1, 'the page was not reloaded')
        assert.equal(navigations, 0, 'no navigation after load')

        assert.deepEqual(refused, [], 'the browser blocked nothing on the page')
        const foreign = requested.filter((url) => new URL(url).origin !== base)
        assert.deepEqual(foreign, [], 'the page fetches nothing from other hosts')
      } finally {
        // For human review only (also on failure, to see what the page showed).
        await page.screenshot({ path: '/tmp/sx-checkout-e2e.png', fullPage: true }).catch(() => {})
        await page.close()
        await env.close()
      }
    })
  }
})
