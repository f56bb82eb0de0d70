// Products and Orders in a real browser against a real server (issue 14): a product of each of the
// six types created with its own fields (a dynamic product's secret shown once), one edited with a
// Markdown preview that renders and neutralises a script and a `javascript:` link, a stock file of
// thousands of lines imported in batches with progress, a file product's file uploaded; orders
// searched by email on the server, partly refunded, resent, a physical one shipped, a failed one
// delivered again, and the order's timeline from its events. SCREENSHOTS=1 writes products, product and order.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createClient } from '@sx/sdk'
import { browserSuite, openDashboard, useBrowser } from './dashboard-browser.ts'
import { DIALECTS } from './harness.ts'
import { SHIP_TO } from './orders-helpers.ts'

/** The six types with what the create form needs beyond name and price. */
const NEW_PRODUCTS = [
  { name: 'Editor keys', type: 'license_key', price: '4.50' },
  { name: 'Streaming account', type: 'account', price: '3' },
  { name: 'Manual', type: 'file_download', price: '9' },
  { name: 'Generated code', type: 'dynamic', price: '5', url: 'http://127.0.0.1:9/deliver' },
  { name: 'T-shirt', type: 'physical', price: '20', stock: '3' },
  { name: 'Pro plan', type: 'subscription', price: '12', interval: 'year' },
] as const

const DESCRIPTION = [
  '# Editor',
  '',
  '**Fast** keys for _everyone_.',
  '',
  '<script>window.pwned = 1</script>',
  '',
  '[click me](javascript:window.pwned=2) and https://example.com',
].join('\n')

describe('dashboard products and orders in a browser', browserSuite, () => {
  const browser = useBrowser()

  for (const dialect of DIALECTS) {
    it(`${dialect}: creates all six types, edits one, imports a stock file, uploads a file, works an order`, async () => {
      // One quick retry: the dynamic product's endpoint (port 9) refuses, so its order fails fast.
      const d = await openDashboard(browser(), dialect, { DYNAMIC_RETRY_DELAYS: '0' })
      const { env, page, base } = d
      try {
        const shop = await env.newShop()
        await d.signIn(shop.owner.email)
        const sx = createClient({ baseUrl: base, apiKey: shop.keys.test })

        // Products: one of each type, each with its own fields.
        await page.getByRole('link', { name: 'Products' }).click()
        await page.getByText('No products yet').waitFor()

        // A refusal names the field and why.
        await page.getByLabel('Name', { exact: true }).fill('Broken')
        await page.getByLabel('Type', { exact: true }).selectOption('dynamic')
        await page.getByLabel('Price', { exact: true }).fill('1')
        await page.getByLabel('Delivery URL').fill('ftp://example.com/deliver')
        await page.getByRole('button', { name: 'Create product' }).click()
        await page.getByRole('alert').filter({ hasText: 'dynamic_url must be an http(s) URL' }).waitFor()
        for (const p of NEW_PRODUCTS) {
          await page.getByLabel('Name', { exact: true }).fill(p.name)
          await page.getByLabel('Type', { exact: true }).selectOption(p.type)
          await page.getByLabel('Price', { exact: true }).fill(p.price)
          if ('url' in p) await page.getByLabel('Delivery URL').fill(p.url)
          if ('stock' in p) await page.getByLabel('Stock', { exact: true }).fill(p.stock)
          if ('interval' in p) await page.getByLabel('Billing interval').selectOption(p.interval)
          if (p.type === 'file_download')
            await page.getByLabel('File', { exact: true }).setInputFiles({
              name: 'manual.pdf',
              mimeType: 'application/pdf',
              buffer: Buffer.from('%PDF-1.4 manual'),
            })
          await page.getByRole('button', { name: 'Create product' }).click()
          await page.getByText(`Created ${p.name}.`).waitFor()
          await page.getByRole('link', { name: p.name, exact: true }).waitFor()
          if (p.type === 'file_download') await page.getByText('Uploaded manual.pdf').waitFor()
          if (p.type === 'dynamic') {
            const secret = (await page.getByTestId('secret').innerText()).trim()
            assert.match(secret, /^whsec_/)
          }
        }
        const made = new Map(
          (await sx.GET('/v1/products', { params: { query: { limit: 10 } } })).data.map((p) => [p.name, p]),
        )
        assert.deepEqual(
          NEW_PRODUCTS.map((p) => made.get(p.name)?.type),
          NEW_PRODUCTS.map((p) => p.type),
        )
        assert.equal(made.get('Manual')?.file?.name, 'manual.pdf')
        assert.equal(made.get('Generated code')?.dynamic_url, 'http://127.0.0.1:9/deliver')
        assert.equal(made.get('T-shirt')?.stock, 3)
        assert.equal(made.get('Pro plan')?.interval, 'year')
        assert.equal(made.get('Generated code')?.signing_secret, undefined, 'the secret is not in later reads')
        await d.screenshot('products')

        // Edit: the secret is not shown again on the dynamic product's page.
        await page.getByRole('link', { name: 'Generated code' }).click()
        await page.getByLabel('Delivery URL').waitFor()
        assert.equal(await page.getByTestId('secret').count(), 0)
        await page.getByRole('link', { name: '← Products' }).click()

        // Edit the key product: name and a description whose preview renders Markdown but no script or javascript: link.
        await page.getByRole('link', { name: 'Editor keys' }).click()
        await page.getByLabel('Name', { exact: true }).fill('Editor keys (1 year)')
        await page.getByLabel('Description', { exact: true }).fill(DESCRIPTION)
        const preview = page.getByTestId('description-preview')
        await preview.locator('strong', { hasText: 'Fast' }).waitFor()
        assert.equal(await preview.locator('h1').innerText(), 'Editor')
        assert.equal(await preview.locator('a[href="https://example.com"]').count(), 1, 'bare URLs are linked')
        assert.equal(await preview.locator('script').count(), 0)
        assert.equal(await preview.locator('a[href^="javascript"]').count(), 0)
        assert.match(await preview.innerText(), /<script>window\.pwned = 1<\/script>/, 'raw HTML is shown as text')
        await preview.getByText('click me').click()
        await page.getByRole('button', { name: 'Save changes' }).click()
        await page.getByText('Saved Editor keys (1 year)').waitFor()
        assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined)
        const keys = made.get('Editor keys')!
        const edited = await sx.GET('/v1/products/{id}', { params: { path: { id: keys.id } } })
        assert.deepEqual([edited.name, edited.description], ['Editor keys (1 year)', DESCRIPTION])

        // A stock file of 12,000 lines (500 repeated) goes in three batches, moving the bar.
        const lines = Array.from({ length: 12_000 }, (_, i) => `KEY-${i % 11_500}`)
        const batches: string[] = []
        page.on('request', (r) => {
          if (r.method() === 'POST' && r.url().endsWith(`/v1/products/${keys.id}/stock`)) batches.push(r.url())
        })
        await page.getByLabel('Or upload a text file').setInputFiles({
          name: 'keys.txt',
          mimeType: 'text/plain',
          buffer: Buffer.from(lines.join('\n') + '\n'),
        })
        await page.getByRole('button', { name: 'Import' }).click()
        await page.getByText('11500 imported, 500 skipped as duplicates, 11500 in stock.').waitFor()
        assert.equal(batches.length, 3)
        const bar = page.getByLabel('Import progress')
        assert.deepEqual([await bar.getAttribute('value'), await bar.getAttribute('max')], ['12000', '12000'])
        assert.equal(await page.getByTestId('product-stock').innerText(), '11500')
        await d.screenshot('product')

        // The file product's page: replace its file, with the upload's progress.
        await page.getByRole('link', { name: '← Products' }).click()
        await page.getByRole('link', { name: 'Manual' }).click()
        await page.getByText('Buyers get manual.pdf').waitFor()
        await page.getByLabel('File', { exact: true }).setInputFiles({
          name: 'manual-v2.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.alloc(2 * 1024 * 1024, 7),
        })
        await page.getByRole('button', { name: 'Upload file' }).click()
        await page.getByText('Uploaded manual-v2.pdf (2.0 MiB).').waitFor()
        const upload = page.getByLabel('Upload progress')
        assert.equal(await upload.getAttribute('value'), await upload.getAttribute('max'))
        const manual = await sx.GET('/v1/products/{id}', { params: { path: { id: made.get('Manual')!.id } } })
        assert.deepEqual([manual.file?.name, manual.file?.size], ['manual-v2.pdf', 2 * 1024 * 1024])

        // Orders placed and paid with the SDK: a key for ada, one for bob, a T-shirt for ada.
        const place = async (email: string, productId: string, extra = {}) => {
          const o = await sx.POST('/v1/orders', {
            body: { customer_email: email, items: [{ product_id: productId, qty: 1 }], ...extra },
          })
          await sx.POST('/v1/test_helpers/orders/{id}/pay', { params: { path: { id: o.id } } })
          return o
        }
        const adaKey = await place('ada@example.com', keys.id)
        const bobKey = await place('bob@example.org', keys.id)
        const shirt = await place('ada@example.com', made.get('T-shirt')!.id, { shipping_address: SHIP_TO })
        const code = await place('carol@example.com', made.get('Generated code')!.id)
        await env.drain()

        // Search is the server's: the request carries q, and bob's order is not listed.
        await page.getByRole('link', { name: 'Orders' }).click()
        await page.getByRole('link', { name: bobKey.id }).waitFor()
        const searched = page.waitForRequest((r) => new URL(r.url()).searchParams.get('q') === 'ada@')
        await page.getByLabel('Search').fill('ada@')
        await searched
        await page.getByRole('link', { name: bobKey.id }).waitFor({ state: 'detached' })
        await page.getByRole('link', { name: adaKey.id }).waitFor()
        await page.getByRole('link', { name: shirt.id }).waitFor()
        await page.getByLabel('From').fill('2999-01-01')
        await page.getByText('No order matches.').waitFor()
        await page.getByLabel('From').fill('')
        await page.getByRole('link', { name: adaKey.id }).click()

        // Ada's key order: its timeline from events, a partial refund, the email resent.
        const timeline = page.locator('.timeline')
        await timeline.getByText('Delivered').waitFor()
        await timeline.getByText('Paid').waitFor()
        await page.getByLabel('Amount (USD)').fill('1.50')
        await page.getByRole('button', { name: 'Refund' }).click()
        await timeline.getByText(/Refund \$1\.50/).waitFor()
        const refunded = await sx.GET('/v1/orders/{id}', { params: { path: { id: adaKey.id } } })
        assert.deepEqual([refunded.refunded_cents, refunded.status], [150, 'completed'])
        assert.equal(await page.getByLabel('Amount (USD)').inputValue(), '3.00', 'what is left is offered next')
        await page.getByRole('button', { name: 'Resend email' }).click()
        await page.getByText('Sent to ada@example.com').waitFor()

        // The T-shirt waits for shipping; mark it shipped with the tracking details.
        await page.goto(`${base}/dashboard/orders/${shirt.id}`)
        await page.getByText('Ship to').waitFor()
        await page.getByLabel('Carrier').fill('DHL')
        await page.getByLabel('Tracking number').fill('JD014600006281230704')
        await page.getByRole('button', { name: 'Mark shipped' }).click()
        await page.getByText('Shipped with DHL, tracking JD014600006281230704').waitFor()
        assert.equal(await page.getByTestId('order-status').innerText(), 'completed')
        await d.screenshot('order')

        // The dynamic order failed (its endpoint refuses): run its delivery again.
        await page.goto(`${base}/dashboard/orders/${code.id}`)
        await page.locator('.timeline').getByText('Failed').waitFor()
        await page.getByRole('button', { name: 'Redeliver' }).click()
        await page.getByText(/Delivery started again \(the order is delivering\)/).waitFor()
        assert.deepEqual(d.refused, [], 'the CSP blocked nothing')
      } finally {
        await d.close()
      }
    })
  }
})
