// `checkout_contention`: 1,000 buyers racing for 100 license keys over 100 connections, every
// answer collected, then the API and the database are audited. Twelve checks; any failure throws.
import { auditPool, expectImport } from './lib/audit.ts'
import type { Run } from './lib/boot.ts'
import { BUYER_EMAIL, postJson, race, round, send } from './lib/drive.ts'
import { licenseKeys } from './lib/seed.ts'

const RACE_KEYS = 100
const RACE_BUYERS = 1_000
const RACE_CONNECTIONS = 100

export const CHECKOUT_CONTENTION: Run = {
  name: 'checkout_contention',
  what:
    `${RACE_BUYERS.toLocaleString('en')} POST /v1/orders (qty 1, ${RACE_CONNECTIONS} connections, one new customer each) ` +
    `racing for a license_key product with ${RACE_KEYS} keys; then the database is audited`,
  run: async ({ sx, auth }) => {
    const product = (await postJson(`${sx.url}/v1/products`, sx.testKey, {
      name: 'Bench Contended Keys',
      type: 'license_key',
      price_cents: 1500,
      currency: 'USD',
    })) as { id: string }
    const keys = licenseKeys(RACE_KEYS)
    expectImport(await postJson(`${sx.url}/v1/products/${product.id}/stock`, sx.testKey, { items: keys }), {
      imported: RACE_KEYS,
      duplicates: 0,
      stock_after: RACE_KEYS,
    })
    const body = { customer_email: BUYER_EMAIL, items: [{ product_id: product.id, qty: 1 }] }
    const result = await race(
      `${sx.url}/v1/orders`,
      RACE_BUYERS,
      RACE_CONNECTIONS,
      { ...auth, 'content-type': 'application/json' },
      {
        method: 'POST',
        body: JSON.stringify(body),
      },
    )
    const { status: productStatus, body: after } = await send(`${sx.url}/v1/products/${product.id}`, sx.testKey, 'GET')
    const audit = await auditPool(sx.services.config.db.url, product.id)

    const created = new Set<string>()
    const answerProblems: string[] = []
    let soldOut = 0
    for (const answer of result.answers) {
      const parsed = parseOr(answer.body) as {
        id?: string
        status?: string
        type?: string
        errors?: { sold_out?: string[] }
      }
      if (answer.status === 201 && parsed.status === 'awaiting_payment' && parsed.id) created.add(parsed.id)
      else if (answer.status === 409 && parsed.type === 'conflict' && parsed.errors?.sold_out?.[0] === product.id)
        soldOut++
      else if (answerProblems.length < 5) answerProblems.push(`${answer.status} ${answer.body.slice(0, 300)}`)
    }
    // The race sells out at the last 201; after that every answer is a 409.
    const soldOutMs = round(Math.max(0, ...result.answers.filter((a) => a.status === 201).map((a) => a.ms)))
    const heldByCreated = [...created].filter((id) => audit.items_per_order.get(id) === 1).length
    const taken = (audit.by_status.reserved ?? 0) + (audit.by_status.sold ?? 0)
    const stockAfter = (after as { stock?: unknown }).stock
    const checks: [string, boolean, string][] = [
      [
        `${RACE_BUYERS} answers, none failed or timed out`,
        result.answers.length === RACE_BUYERS && result.errors + result.timeouts === 0,
        `${result.answers.length} answers, ${result.errors} errors, ${result.timeouts} timeouts`,
      ],
      [
        'only 201 awaiting_payment or 409 conflict sold_out',
        answerProblems.length === 0,
        `statuses ${JSON.stringify(result.statuses)} ${answerProblems.join(' | ')}`,
      ],
      [`exactly ${RACE_KEYS} answered 201 (distinct orders)`, created.size === RACE_KEYS, `${created.size}`],
      [`exactly ${RACE_BUYERS - RACE_KEYS} answered 409 sold out`, soldOut === RACE_BUYERS - RACE_KEYS, `${soldOut}`],
      [
        'GET /v1/products/{id} shows stock 0',
        productStatus === 200 && stockAfter === 0,
        `${productStatus} stock ${JSON.stringify(stockAfter)}`,
      ],
      [
        `database: ${RACE_KEYS} items, all reserved`,
        audit.items === RACE_KEYS && audit.by_status.reserved === RACE_KEYS,
        JSON.stringify(audit.by_status),
      ],
      [
        `database: ${RACE_KEYS} orders hold this product, each awaiting_payment with qty 1`,
        audit.orders.size === RACE_KEYS &&
          [...audit.orders.values()].every((o) => o.status === 'awaiting_payment' && o.qty === 1),
        `${audit.orders.size} orders ${JSON.stringify(tally([...audit.orders.values()].map((o) => `${o.status}×${o.qty}`)))}`,
      ],
      ['database: 0 oversold (reserved + sold ≤ keys)', taken <= RACE_KEYS, `${taken} taken`],
      [
        'database: 0 keys twice (distinct values = taken items)',
        audit.distinct_taken_values === taken,
        `${audit.distinct_taken_values} distinct values`,
      ],
      ['database: no taken item without an order', audit.taken_without_order === 0, `${audit.taken_without_order}`],
      [
        'database: every order holding items holds exactly 1',
        [...audit.items_per_order.values()].every((n) => n === 1),
        `${[...audit.items_per_order.values()].filter((n) => n !== 1).length} orders hold ≠ 1`,
      ],
      [
        'database: the orders holding items = the orders with a line = the 201 answers',
        audit.items_per_order.size === RACE_KEYS &&
          heldByCreated === RACE_KEYS &&
          [...created].every((id) => audit.orders.has(id)),
        `${audit.items_per_order.size} holders, ${heldByCreated} of them answered 201`,
      ],
    ]
    const failed = checks.filter(([, ok]) => !ok)
    for (const [name, ok, detail] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name} (${detail})`)
    if (failed.length > 0)
      throw new Error(
        `checkout_contention: ${failed.length} check(s) failed: ${failed.map(([name, , detail]) => `${name} (${detail})`).join('; ')}`,
      )
    return {
      buyers: RACE_BUYERS,
      keys: RACE_KEYS,
      connections: RACE_CONNECTIONS,
      race_ms: result.ms,
      answers_per_s: round(result.answers.length / (result.ms / 1000)),
      sold_out_after_ms: soldOutMs,
      orders_per_s: round(created.size / (soldOutMs / 1000)),
      created_201: created.size,
      sold_out_409: soldOut,
      p50_ms: result.p50_ms,
      p99_ms: result.p99_ms,
      server_cpu_us_per_req: result.server_cpu_us_per_req,
      db_orders: audit.orders.size,
      db_reserved_or_sold: taken,
      db_available: audit.by_status.available ?? 0,
      oversold: Math.max(0, taken - RACE_KEYS),
      keys_twice: taken - audit.distinct_taken_values,
      api_stock_after: Number(stockAfter),
      checks_passed: checks.length,
    }
  },
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return {}
  }
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}
