// The write rows: a 100,000-item stock import, and order creation (POST /v1/orders) with no worker.
import { countRows, expectImport, quiet } from './lib/audit.ts'
import type { Run, Sx } from './lib/boot.ts'
import { BUYER_EMAIL, load, postJson, send, timed, warmUp } from './lib/drive.ts'
import { licenseKeys } from './lib/seed.ts'

const IMPORT_ITEMS = 100_000

/** A new `subscription` product (interval month, no stock: unlimited, so nothing sells out). */
export async function unlimitedProduct(sx: Sx, name: string): Promise<string> {
  const product = (await postJson(`${sx.url}/v1/products`, sx.testKey, {
    name,
    type: 'subscription',
    interval: 'month',
    price_cents: 900,
    currency: 'USD',
  })) as { id: string; stock: unknown }
  if (product.stock !== null)
    throw new Error(`the subscription product should be unlimited, got stock ${JSON.stringify(product.stock)}`)
  return product.id
}

/** POST /v1/orders of qty 1, a new customer each ([<id>]), answered 201: what load() and race() send. */
export function orderRequest(sx: Sx, productId: string) {
  return {
    url: `${sx.url}/v1/orders`,
    headers: { authorization: `Bearer ${sx.testKey}`, 'content-type': 'application/json' },
    request: {
      method: 'POST' as const,
      body: JSON.stringify({ customer_email: BUYER_EMAIL, items: [{ product_id: productId, qty: 1 }] }),
      expectStatus: 201,
    },
  }
}

/** One order over real HTTP, checked: 201, awaiting_payment, one line. */
export async function firstOrder(sx: Sx, productId: string): Promise<void> {
  const first = await send(`${sx.url}/v1/orders`, sx.testKey, 'POST', {
    customer_email: 'first-buyer@example.com',
    items: [{ product_id: productId, qty: 1 }],
  })
  const order = first.body as { status?: string; items?: unknown[] }
  if (first.status !== 201 || order.status !== 'awaiting_payment' || order.items?.length !== 1) {
    throw new Error(`POST /v1/orders answered ${first.status}: ${JSON.stringify(first.body).slice(0, 500)}`)
  }
}

export const WRITE_RUNS: Run[] = [
  {
    name: 'stock_import',
    what: `POST /v1/products/{id}/stock, ${IMPORT_ITEMS.toLocaleString('en')} new items, then the same again`,
    run: async ({ sx }) => {
      const product = (await postJson(`${sx.url}/v1/products`, sx.testKey, {
        name: 'Bench Import Target',
        type: 'license_key',
        price_cents: 999,
        currency: 'USD',
      })) as { id: string }
      const items = licenseKeys(IMPORT_ITEMS)
      const url = `${sx.url}/v1/products/${product.id}/stock`
      const first = await timed(() => postJson(url, sx.testKey, { items }))
      expectImport(first.value, { imported: IMPORT_ITEMS, duplicates: 0, stock_after: IMPORT_ITEMS })
      const again = await timed(() => postJson(url, sx.testKey, { items }))
      expectImport(again.value, { imported: 0, duplicates: IMPORT_ITEMS, stock_after: IMPORT_ITEMS })
      return { import_ms: first.ms, reimport_ms: again.ms }
    },
  },
  {
    name: 'sx_order_create',
    what:
      'sx POST /v1/orders, qty 1 of an unlimited subscription product, a new customer email per order ' +
      '(reserve, customer, order + line, expiry job, invoice, mail queued; no worker)',
    run: async ({ sx, seconds }) => {
      const productId = await unlimitedProduct(sx, 'Bench Unlimited Subscription')
      await firstOrder(sx, productId)
      const { url, headers, request } = orderRequest(sx, productId)
      await warmUp(url, headers, request)
      const db = sx.services.db
      // The warm-up's abandoned requests land first (else they fall between the two counts).
      await quiet(db)
      const [ordersBefore, customersBefore] = [await countRows(db, 'orders'), await countRows(db, 'customers')]
      const figures = await load(url, seconds, headers, 50, request)
      await quiet(db)
      // Every 201 is one stored order and one new customer. autocannon stops counting at the end of
      // the duration, so up to one request per connection was still in flight: stored, not counted.
      // (The bench waits for those before counting.)
      const [orders, customers] = [
        (await countRows(db, 'orders')) - ordersBefore,
        (await countRows(db, 'customers')) - customersBefore,
      ]
      if (orders < figures.requests || orders > figures.requests + 50 || customers !== orders) {
        throw new Error(
          `${figures.requests} orders answered 201, but the database gained ${orders} orders and ${customers} customers`,
        )
      }
      return figures
    },
  },
]
