// The shop page row (issue 15): GET /s/<slug> of a shop with 1,000 active products (its first page of
// SHOP_PAGE_SIZE), then one product's page (`product_*` figures), on an sx with the buyer-page budget out of reach, against bare fastify serving the
// same HTML from memory. A cached page costs sx one statement (the shop with its catalog version)
// and the cache look-up.
import Fastify from 'fastify'
import { initShop } from '../packages/server/src/modules/shops/index.ts'
import { SHOP_PAGE_SIZE } from '../packages/server/src/modules/shops/pages.service.ts'
import { listen, startSxReplica, type Run } from './lib/boot.ts'
import { load, round, warmUp } from './lib/drive.ts'
import { seedProducts } from './lib/seed.ts'

const SHOP_PRODUCTS = 1000

export const SHOP_PAGE: Run = {
  name: 'shop_page',
  what: `sx GET /s/<slug> (${SHOP_PRODUCTS} products, page cache), then a product page, each vs bare fastify serving the same HTML`,
  run: async ({ sx, seconds }) => {
    const { db, secretBox } = sx.services
    const shop = await initShop(db, { name: 'Bench Storefront', email: 'storefront@sx.local', now: Date.now() })
    await seedProducts(db, secretBox, shop.shop.id, SHOP_PRODUCTS, 1)
    const replica = await startSxReplica(sx, { RATE_LIMIT_BUYER: '1000000000' })
    const baseline = Fastify({ logger: false })
    const served = new Map<string, string>()
    baseline.get('/baseline/:page', async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(served.get((request.params as { page: string }).page)),
    )
    try {
      const baseUrl = await listen(baseline)
      /** sx serving `url` against bare fastify serving the same HTML from memory, one after the other. */
      const versus = async (name: string, url: string, check: (html: string) => string | null) => {
        const page = await fetch(url)
        const html = await page.text()
        const wrong = page.status === 200 ? check(html) : `status ${page.status}`
        if (wrong) throw new Error(`${url}: ${wrong}`)
        served.set(name, html)
        await warmUp(url)
        const sxFigures = await load(url, seconds)
        await warmUp(`${baseUrl}/baseline/${name}`)
        const bare = await load(`${baseUrl}/baseline/${name}`, seconds)
        return { sx: sxFigures, bare, bytes: html.length }
      }
      const shopUrl = `${replica.url}/s/${shop.shop.slug}`
      const pages = Math.ceil(SHOP_PRODUCTS / SHOP_PAGE_SIZE)
      const list = await versus('shop', shopUrl, (html) => {
        const cards = html.split('data-testid="product"').length - 1
        return cards === SHOP_PAGE_SIZE && html.includes(`Page 1 of ${pages}`)
          ? null
          : `shows ${cards} products, expected page 1 of ${pages}`
      })
      const slug = /href="\/s\/[^/"]+\/([^"?]+)"/.exec(String(served.get('shop')))?.[1]
      const product = await versus('product', `${shopUrl}/${slug}`, (html) =>
        html.includes('Buy now') ? null : 'has no Buy now button',
      )
      return {
        ...list.sx,
        page_bytes: list.bytes,
        baseline_req_per_s: list.bare.req_per_s,
        baseline_p99_ms: list.bare.p99_ms,
        ratio: round(list.sx.req_per_s / list.bare.req_per_s),
        product_req_per_s: product.sx.req_per_s,
        product_p99_ms: product.sx.p99_ms,
        product_baseline_req_per_s: product.bare.req_per_s,
        product_ratio: round(product.sx.req_per_s / product.bare.req_per_s),
      }
    } finally {
      await baseline.close()
      await replica.close()
    }
  },
}
