// The public shop pages (/s/<shop>, /s/<shop>/<product>, sitemap.xml, a custom domain's Host), the
// storefront settings on /v1/shop, and product images, over HTTP on both dialects.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { Migrator, sql } from 'kysely'
import { connect } from '../src/db/connect.ts'
import { migrations } from '../src/db/migrations/index.ts'
import { createSecretBox } from '../src/platform/secret-box.ts'
import { createSandboxProvider } from '../src/modules/payments/index.ts'
import { DIALECTS, client, createDatabase, problem, startTestEnv, type Client, type TestEnv } from './harness.ts'
import { NO_LIMITS, SHIP_TO } from './orders-helpers.ts'

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
const IMAGE_LIMIT = 4096
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 1)])
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 2)])
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([0x40, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(64, 3),
])
const DESCRIPTION = [
  '# Holographic stickers',
  '',
  '**Weatherproof** vinyl. See [our guide](https://example.com/guide).',
  '',
  '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))',
].join('\n')

async function product(api: Client, body: Record<string, unknown>): Promise<{ id: string; slug: string }> {
  const res = await api.post('/v1/products', { type: 'physical', price_cents: 700, currency: 'USD', ...body })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

function meta(html: string, property: string): string | undefined {
  return new RegExp(`<meta property="${property}" content="([^"]*)">`).exec(html)?.[1]
}

/** The names of the product cards on a shop page. */
function cards(html: string): string[] {
  return [...html.matchAll(/<span class="product-name">([^<]*)<\/span>/g)].map((m) => m[1]!)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: shop pages`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, PRODUCT_IMAGE_LIMIT_BYTES: String(IMAGE_LIMIT) })
    })
    after(() => env.close())
    const get = (url: string, headers: Record<string, string> = {}) =>
      env.app.inject({ method: 'GET', url, headers: { ...BROWSER, ...headers } })
    const putImage = (api: Client, id: string, body: Buffer | string, contentType: string) =>
      env.app.inject({
        method: 'PUT',
        url: `/v1/products/${id}/image`,
        payload: body,
        headers: { authorization: `Bearer ${api.secret}`, 'content-type': contentType },
      })

    it('lists the active products of the public mode, with sold out, the test banner and no script', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const slug = shop.shop.slug
      await product(api, { name: 'Sticker Sheet', stock: 5, description: DESCRIPTION })
      await product(api, { name: 'Poster', stock: 0 })
      await product(api, { name: 'Draft Thing', status: 'draft' })
      const archived = await product(api, { name: 'Archived Thing' })
      assert.equal((await api.delete(`/v1/products/${archived.id}`)).statusCode, 200)
      await product(client(env.app, shop.keys.live), { name: 'Live Only' })

      const page = await get(`/s/${slug}`)
      assert.equal(page.statusCode, 200)
      assert.match(String(page.headers['content-type']), /^text\/html/)
      assert.deepEqual(cards(page.body).sort(), ['Poster', 'Sticker Sheet'])
      assert.match(page.body, /data-testid="test-banner">Test shop/)
      assert.match(
        page.body,
        /Poster<\/span><span class="price">\$7\.00<\/span><span class="sold-out">Sold out<\/span>/,
      )
      assert.match(page.body, new RegExp(`href="/s/${slug}/sticker-sheet"`))
      const csp = String(page.headers['content-security-policy'])
      assert.match(csp, /default-src 'none'/)
      assert.doesNotMatch(csp, /script-src/)
      assert.doesNotMatch(page.body, /<script/i)
      assert.equal(page.headers['x-frame-options'], 'DENY')

      const sticker = await get(`/s/${slug}/sticker-sheet`)
      assert.equal(sticker.statusCode, 200)
      assert.match(sticker.body, /<h1>Sticker Sheet<\/h1>/)
      assert.match(sticker.body, /<h2>Holographic stickers<\/h2>/)
      assert.match(sticker.body, /<strong>Weatherproof<\/strong>/)
      assert.match(sticker.body, /rel="nofollow noopener" target="_blank" href="https:\/\/example.com\/guide"/)
      assert.doesNotMatch(sticker.body, /<script|<img src=x|href="javascript/i)
      assert.match(sticker.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
      assert.match(sticker.body, new RegExp(`<form class="buy" method="get" action="/s/${slug}/checkout">`))
      assert.match(sticker.body, /<input type="hidden" name="product" value="prod_/)
      assert.equal([...sticker.body.matchAll(/<option>/g)].length, 5, 'the quantity goes up to the stock')
      assert.match(sticker.body, /<button class="button" type="submit">Buy now<\/button>/)
      assert.match(sticker.body, /<title>Sticker Sheet · Test Shop<\/title>/)
      assert.equal(meta(sticker.body, 'og:title'), 'Sticker Sheet · Test Shop')
      assert.equal(
        meta(sticker.body, 'og:description'),
        'Holographic stickers Weatherproof vinyl. See our guide. &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1))',
      )
      const url = `${env.services.config.http.publicUrl}/s/${slug}/sticker-sheet`
      assert.equal(meta(sticker.body, 'og:url'), url)
      assert.match(sticker.body, new RegExp(`<link rel="canonical" href="${url}">`))

      const soldOut = await get(`/s/${slug}/poster`)
      assert.match(soldOut.body, /data-testid="sold-out">Sold out/)
      assert.doesNotMatch(soldOut.body, /Buy now/)

      for (const hidden of ['draft-thing', 'archived-thing', 'live-only', 'nothing-here']) {
        const res = await get(`/s/${slug}/${hidden}`)
        assert.equal(res.statusCode, 404, hidden)
        assert.match(String(res.headers['content-type']), /^text\/html/, 'a browser gets the 404 as a page')
        assert.match(res.body, /Page not found/)
      }
      problem(await env.app.inject({ method: 'GET', url: '/s/no-such-shop' }), 404, 'not_found')

      const sitemap = await get(`/s/${slug}/sitemap.xml`)
      assert.equal(sitemap.statusCode, 200)
      assert.match(String(sitemap.headers['content-type']), /^application\/xml/)
      const locs = [...sitemap.body.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1])
      const base = `${env.services.config.http.publicUrl}/s/${slug}`
      assert.deepEqual(locs.sort(), [base, `${base}/poster`, `${base}/sticker-sheet`])
    })

    it('serves the live products once the shop is live, and a custom domain at / by its Host header', async () => {
      const shop = await env.newShop()
      const live = client(env.app, shop.keys.live)
      await product(client(env.app, shop.keys.test), { name: 'Test Sticker' })
      await product(live, { name: 'Live Sticker', stock: 2 })
      const updated = await live.patch('/v1/shop', { storefront_mode: 'live', custom_domain: 'Shop.Example.test' })
      assert.equal(updated.statusCode, 200, updated.body)
      assert.equal(updated.json().custom_domain, 'shop.example.test')

      const page = await get(`/s/${shop.shop.slug}`)
      assert.deepEqual(cards(page.body), ['Live Sticker'])
      assert.doesNotMatch(page.body, /data-testid="test-banner"/)
      assert.match(page.body, /<link rel="canonical" href="https:\/\/shop.example.test">/)

      const host = { host: 'shop.example.test' }
      const home = await get('/', host)
      assert.equal(home.statusCode, 200)
      assert.deepEqual(cards(home.body), ['Live Sticker'])
      assert.match(home.body, /href="\/live-sticker"/, 'links stay on the custom domain')
      const item = await get('/live-sticker', host)
      assert.equal(item.statusCode, 200)
      assert.match(item.body, /<h1>Live Sticker<\/h1>/)
      assert.match(item.body, new RegExp(`action="/s/${shop.shop.slug}/checkout"`))
      assert.equal(meta(item.body, 'og:url'), 'https://shop.example.test/live-sticker')
      assert.match((await get('/sitemap.xml', host)).body, /<loc>https:\/\/shop.example.test\/live-sticker<\/loc>/)
      assert.equal((await get('/test-sticker', host)).statusCode, 404)
      // Any other host: sx's landing page at /, and no shop at /<slug>.
      assert.match((await get('/')).body, /self-hosted storefront/)
      assert.equal((await get('/live-sticker')).statusCode, 404)
      assert.equal((await get('/live-sticker', { host: 'other.example.test' })).statusCode, 404)
      problem(await env.app.inject({ method: 'POST', url: '/live-sticker', payload: {} }), 404, 'not_found')
    })

    it('renders afresh after a product edit, a stock change or a settings change (the cache follows the versions)', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const made = await product(api, { name: 'Mug', stock: 3 })
      const url = `/s/${shop.shop.slug}`
      const first = await get(url)
      assert.equal((await get(url)).body, first.body, 'a second request is the same page')
      assert.equal((await get(`${url}/mug`)).statusCode, 200)

      assert.equal((await api.patch(`/v1/products/${made.id}`, { name: 'Big Mug', stock: 0 })).statusCode, 200)
      const edited = await get(url)
      assert.deepEqual(cards(edited.body), ['Big Mug'])
      assert.match(edited.body, /Sold out/)
      assert.match((await get(`${url}/mug`)).body, /<h1>Big Mug<\/h1>/)

      assert.equal((await api.patch('/v1/shop', { name: 'Mug House', brand_color: '#0f766e' })).statusCode, 200)
      const renamed = await get(url)
      assert.match(renamed.body, /<title>Mug House<\/title>/)
      assert.match(renamed.body, /--accent: #0f766e/)

      assert.equal((await api.patch(`/v1/products/${made.id}`, { status: 'draft' })).statusCode, 200)
      assert.deepEqual(cards((await get(url)).body), [])
      assert.match((await get(url)).body, /Nothing is on sale here yet/)
      assert.equal((await get(`${url}/mug`)).statusCode, 404)
    })

    it('never gives a product the slug of the checkout form or the cart', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      for (const name of ['Checkout', 'Cart']) {
        const made = await product(api, { name, stock: 1 })
        assert.equal(made.slug, `${name.toLowerCase()}-2`)
        assert.equal((await get(`/s/${shop.shop.slug}/${made.slug}`)).statusCode, 200)
      }
    })

    it('splits a big catalog in pages of 48, linked both ways', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      for (let i = 1; i <= 49; i++) await product(api, { name: `Card ${String(i).padStart(2, '0')}` })
      const url = `/s/${shop.shop.slug}`
      const first = await get(url)
      assert.equal(cards(first.body).length, 48)
      assert.match(first.body, /Page 1 of 2/)
      assert.match(first.body, new RegExp(`<a rel="next" href="${url}\\?page=2">`))
      const second = await get(`${url}?page=2&utm_source=mail`)
      assert.deepEqual(cards(second.body), ['Card 01'])
      assert.match(second.body, new RegExp(`<a rel="prev" href="${url}">`))
      assert.match(second.body, new RegExp(`<link rel="canonical" href="[^"]*${url}\\?page=2">`))
      assert.equal((await get(`${url}?page=3`)).statusCode, 404)
      assert.ok([400, 422].includes((await get(`${url}?page=0`)).statusCode), 'page 0 is refused')
    })

    it('edits the slug, mode, custom domain and payment methods with their checks', async () => {
      // Shops of one name created at once each get a slug of their own.
      const [a, b, c] = await Promise.all([env.newShop(), env.newShop(), env.newShop()])
      assert.equal(new Set([a.shop.slug, b.shop.slug, c.shop.slug]).size, 3)
      const api = client(env.app, a.keys.test)
      const initial = (await api.get('/v1/shop')).json()
      assert.match(initial.slug, /^test-shop(-\d+)?$/)
      assert.equal(initial.url, `${env.services.config.http.publicUrl}/s/${initial.slug}`)
      assert.equal(initial.storefront_mode, 'test')
      assert.equal(initial.custom_domain, null)
      assert.equal(initial.payment_methods.test.length, 18, 'every sandbox pair by default')
      assert.ok(initial.payment_methods.test.some((m: { chain: string }) => m.chain === 'tron'))

      for (const bad of [
        { slug: 'ab' },
        { slug: 'Has-Caps' },
        { slug: '-dash' },
        { slug: 'x'.repeat(41) },
        { slug: 'sp ace' },
        { custom_domain: 'https://shop.example.com' },
        { custom_domain: 'shop.example.com:8080' },
        { custom_domain: 'localhost' },
        { custom_domain: new URL(env.services.config.http.publicUrl).hostname },
        { storefront_mode: 'staging' },
        { payment_methods: { test: [{ chain: 'tron', asset: 'DOGE' }] } },
        { payment_methods: { test: [] } },
        { payment_methods: { test: [{ chain: 'nowhere', asset: 'USDT' }] } },
      ]) {
        const refused = await api.patch('/v1/shop', bad)
        assert.equal(refused.statusCode, 422, `${JSON.stringify(bad)} → ${refused.body}`)
      }
      const renamed = await api.patch('/v1/shop', { slug: 'northwind-keys' })
      assert.equal(renamed.json().slug, 'northwind-keys')
      assert.equal((await get('/s/northwind-keys')).statusCode, 200)
      assert.equal((await get(`/s/${initial.slug}`)).statusCode, 404)
      const other = client(env.app, b.keys.test)
      problem(await other.patch('/v1/shop', { slug: 'northwind-keys' }), 409, 'conflict')
      assert.equal((await api.patch('/v1/shop', { custom_domain: 'keys.example.test' })).statusCode, 200)
      problem(await other.patch('/v1/shop', { custom_domain: 'KEYS.example.test' }), 409, 'conflict')

      const methods = [
        { chain: 'base', asset: 'USDC' },
        { chain: 'tron', asset: 'USDT' },
        { chain: 'tron', asset: 'USDT' },
      ]
      const chosen = await api.patch('/v1/shop', { payment_methods: { test: methods } })
      assert.equal(chosen.statusCode, 200, chosen.body)
      assert.deepEqual(chosen.json().payment_methods.test, [
        { chain: 'tron', asset: 'USDT' },
        { chain: 'base', asset: 'USDC' },
      ])
      assert.equal(chosen.json().payment_methods.live.length, 18, 'the other mode keeps its list')
      const reset = await api.patch('/v1/shop', { payment_methods: { test: null } })
      assert.equal(reset.json().payment_methods.test.length, 18)
    })

    it('takes PNG, JPEG and WebP images by their content and serves them for a year', async () => {
      const a = await env.newShop()
      const api = client(env.app, a.keys.test)
      const made = await product(api, { name: 'Poster' })
      for (const [bytes, type, ext] of [
        [PNG, 'image/png', 'png'],
        [JPEG, 'image/jpeg', 'jpg'],
        [WEBP, 'image/webp', 'webp'],
        // A PNG sent as image/jpeg (named .jpg): the content decides.
        [PNG, 'image/jpeg', 'png'],
      ] as const) {
        const res = await putImage(api, made.id, bytes, type === 'image/jpeg' && bytes === PNG ? 'image/jpeg' : type)
        assert.equal(res.statusCode, 200, res.body)
        const url = res.json().image_url as string
        assert.match(url, new RegExp(`^${env.services.config.http.publicUrl}/img/[0-9a-f]{64}\\.${ext}$`))
        const image = await env.app.inject({ method: 'GET', url: new URL(url).pathname })
        assert.equal(image.statusCode, 200)
        assert.equal(image.headers['content-type'], ext === 'jpg' ? 'image/jpeg' : `image/${ext}`)
        assert.equal(image.headers['cache-control'], 'public, max-age=31536000, immutable')
        assert.deepEqual(image.rawPayload, bytes)
      }
      const read = (await api.get(`/v1/products/${made.id}`)).json()
      assert.match(read.image_url, /\.png$/)
      const page = (await get(`/s/${a.shop.slug}/poster`)).body
      assert.match(page, new RegExp(`<img class="product-image" src="${read.image_url}" alt="Poster"`))
      assert.equal(meta(page, 'og:image'), read.image_url)
      assert.match((await get(`/s/${a.shop.slug}`)).body, new RegExp(`<img class="thumb" src="${read.image_url}"`))

      // The order's checkout page shows it next to the line, and its CSP allows sx's own origin for it.
      const ordered = await api.post('/v1/orders', {
        customer_email: 'buyer@example.com',
        items: [{ product_id: made.id, qty: 1 }],
        shipping_address: SHIP_TO,
      })
      assert.equal(ordered.statusCode, 201, ordered.body)
      const orderPage = await get(new URL(ordered.json().checkout_url).pathname)
      assert.match(orderPage.body, new RegExp(`<img class="line-image" src="${read.image_url}"`))
      assert.match(
        String(orderPage.headers['content-security-policy']),
        new RegExp(`img-src data: ${new URL(read.image_url).origin}`),
      )

      const html = await putImage(api, made.id, '<!doctype html><script>alert(1)</script>', 'image/png')
      problem(html, 415, 'unsupported_media_type')
      problem(await putImage(api, made.id, Buffer.alloc(0), 'image/png'), 422, 'unprocessable')
      const big = Buffer.concat([PNG, Buffer.alloc(IMAGE_LIMIT)])
      problem(await putImage(api, made.id, big, 'image/png'), 413, 'payload_too_large')
      const b = await env.newShop()
      problem(await putImage(client(env.app, b.keys.test), made.id, PNG, 'image/png'), 404, 'not_found')
      assert.match((await api.get(`/v1/products/${made.id}`)).json().image_url, /\.png$/, 'refusals change nothing')
      notFound(await env.app.inject({ method: 'GET', url: `/img/${'0'.repeat(64)}.png` }))

      const removed = await api.delete(`/v1/products/${made.id}/image`)
      assert.equal(removed.statusCode, 200)
      assert.equal(removed.json().image_url, null)
      assert.doesNotMatch((await get(`/s/${a.shop.slug}/poster`)).body, /<img/)
    })
  })

  describe(`${dialect}: storefront migration`, () => {
    it('gives every existing shop a slug of its own, derived from its name', async () => {
      const database = await createDatabase(dialect)
      const { db } = connect(database.url)
      const box = createSecretBox('storefront migration test')
      after(async () => {
        await db.destroy()
        await database.drop()
      })
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(box) } })
      assert.ifError((await migrator.migrateTo('2026_11_30_0016_fee_bumps')).error)
      const names = ['Acme Keys', 'Acme Keys', 'X', 'Ünïcode Shöp!', '***']
      for (const [i, name] of names.entries())
        await sql`insert into shops (id, name, created_at) values (${`shop_0${i}`}, ${name}, ${i})`.execute(db)
      assert.ifError((await migrator.migrateToLatest()).error)
      const rows = await sql<{
        slug: string
        storefront_mode: string
      }>`select slug, storefront_mode from shops order by created_at`.execute(db)
      assert.deepEqual(
        rows.rows.map((row) => row.slug),
        ['acme-keys', 'acme-keys-2', 'x-shop', 'unicode-shop', 'shop'],
      )
      assert.ok(rows.rows.every((row) => row.storefront_mode === 'test'))
    })
  })

  describe(`${dialect}: a server without a live payment rail`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS, { payments: { sandbox: createSandboxProvider(), live: null } })
    })
    after(() => env.close())

    it('keeps shops in test mode and offers no live payment methods', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      assert.deepEqual((await api.get('/v1/shop')).json().payment_methods.live, [])
      const refused = problem(await api.patch('/v1/shop', { storefront_mode: 'live' }), 409, 'conflict')
      assert.match(refused.detail, /no live payment rail is configured/)
      const methods = await api.patch('/v1/shop', { payment_methods: { live: [{ chain: 'base', asset: 'USDC' }] } })
      assert.equal(methods.statusCode, 422, methods.body)
      assert.equal((await api.get('/v1/shop')).json().storefront_mode, 'test')
    })
  })
}

function notFound(res: LightMyRequestResponse): void {
  assert.equal(res.statusCode, 404, res.body)
}
