// The shop page row (issue 15): GET /s/<slug> of a shop with 1,000 active products (its first page of
// SHOP_PAGE_SIZE), on an sx with the buyer-page budget out of reach, against bare fastify serving the
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
  what: `sx GET /s/<slug> (${SHOP_PRODUCTS} products, page cache) vs bare fastify serving the same HTML`,
  run: async ({ sx, seconds }) => {
    const { db, secretBox } = sx.services
    const shop = await initShop(db, { name: 'Bench Storefront', email: 'storefront@sx.local', now: Date.now() })
    await seedProducts(db, secretBox, shop.shop.id, SHOP_PRODUCTS, 1)
    const replica = await startSxReplica(sx, { RATE_LIMIT_BUYER: '1000000000' })
    const baseline = Fastify({ logger: false })
    try {
      const url = `${replica.url}/s/${shop.shop.slug}`
      const page = await fetch(url)
      const html = await page.text()
      const cards = html.split('data-testid="product"').length - 1
      const pages = Math.ceil(SHOP_PRODUCTS / SHOP_PAGE_SIZE)
      if (page.status !== 200 || cards !== SHOP_PAGE_SIZE || !html.includes(`Page 1 of ${pages}`))
        throw new Error(`the shop page shows ${cards} products (status ${page.status}), expected page 1 of ${pages}`)
      baseline.get('/baseline-page', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html))
      const baselineUrl = `${await listen(baseline)}/baseline-page`
      await warmUp(url)
      const sxFigures = await load(url, seconds)
      await warmUp(baselineUrl)
      const bare = await load(baselineUrl, seconds)
      return {
        ...sxFigures,
        page_bytes: html.length,
        baseline_req_per_s: bare.req_per_s,
        baseline_p99_ms: bare.p99_ms,
        ratio: round(sxFigures.req_per_s / bare.req_per_s),
      }
    } finally {
      await baseline.close()
      await replica.close()
    }
  },
}
