// Rows that show a cost growing with the work, each as a ratio within one run:
// `order_rate_pending_jobs` (order creation with 50k pending jobs vs none, worker in process) and
// `key_checkout_sold` (a key checkout with 90 % of 100k keys sold vs none sold).
import { countRows, quiet } from './lib/audit.ts'
import { startSx, workerErrors, type Figures, type Run, type Sx } from './lib/boot.ts'
import type { Db } from '../packages/server/src/db/database.ts'
import { load, postJson, race, round, timed, warmUp, type LoadFigures } from './lib/drive.ts'
import { analyze, plantJobs, plantPool } from './lib/seed.ts'
import { firstOrder, orderRequest, unlimitedProduct } from './writes.ts'

const PENDING_JOBS = 50_000
/** As checkout queues an unpaid order's expiry (ORDER_TTL_SECONDS, default 30 min): never due during the bench. */
const EXPIRY_MS = 30 * 60_000
const POOL_KEYS = 100_000
const POOL_SOLD = 90_000
/**
 * Key checkouts go by a fixed count on 10 connections, not by duration on 50: while the
 * reservation sorts or walks the pool (tens of ms each on this machine), a request's second
 * transaction queues behind every connection's first, so 50 connections could see no answer at all
 * in a short window. A count also keeps the sold pool's 10,000 keys out of reach.
 */
const KEY_CONNECTIONS = 10
const WARM_ORDERS = 100
/** A slow reservation is measured, not timed out. */
const POOL_TIMEOUT_SECONDS = 120
const CONNECTIONS = 50

export const GROWTH_RUNS: Run[] = [
  {
    name: 'order_rate_pending_jobs',
    what:
      `POST /v1/orders (as sx_order_create) on a fresh sx with its worker in process, first with no jobs planted, ` +
      `then with ${PENDING_JOBS.toLocaleString('en')} pending order.expire jobs due in 30 min`,
    run: async ({ dialect, seconds }) => {
      const errors = workerErrors('order_rate_pending_jobs')
      const sx = await startSx(dialect, { worker: errors })
      try {
        const productId = await unlimitedProduct(sx, 'Bench Pending Jobs Subscription')
        await firstOrder(sx, productId)
        const { url, headers, request } = orderRequest(sx, productId)
        await warmUp(url, headers, request)
        const db = sx.services.db
        // Each phase starts with the worker idle (the previous phase's mails sent), so it only
        // competes with the mails its own orders queue.
        await quiet(db)
        const dueBefore = await waitForDueJobs(db)
        const jobsNone = await countRows(db, 'jobs')
        const none = await load(url, seconds, headers, CONNECTIONS, request)
        const dueAfterNone = await dueJobs(db)
        await quiet(db)
        const planting = await timed(() => plantJobs(db, PENDING_JOBS, EXPIRY_MS))
        await analyze(db, dialect, ['jobs'])
        await waitForDueJobs(db)
        const jobsPlanted = await countRows(db, 'jobs')
        const planted = await load(url, seconds, headers, CONNECTIONS, request)
        const dueAfterPlanted = await dueJobs(db)
        errors.check()
        return {
          ...phase('none', none),
          ...phase('planted', planted),
          ratio: round(planted.req_per_s / none.req_per_s, 3),
          ratio_by_cpu: round(none.server_cpu_us_per_req / planted.server_cpu_us_per_req, 3),
          jobs_at_start_none: jobsNone,
          jobs_at_start_planted: jobsPlanted,
          due_jobs_before: dueBefore,
          // Mails (and anything else due) the worker had not caught up with when the phase ended.
          due_jobs_after_none: dueAfterNone,
          due_jobs_after_planted: dueAfterPlanted,
          plant_ms: planting.ms,
        }
      } finally {
        await sx.close()
      }
    },
  },
  {
    name: 'key_checkout_sold',
    what:
      `POST /v1/orders of qty 1 of a license_key product (no worker, ${KEY_CONNECTIONS} connections), ` +
      `on a pool of ${POOL_KEYS.toLocaleString('en')} keys none sold, then on one with ${POOL_SOLD.toLocaleString('en')} ` +
      'of them sold; BENCH_SECONDS × 100 orders each',
    run: async ({ dialect, seconds }) => {
      const sx = await startSx(dialect)
      try {
        const orders = Math.max(100, Math.round(seconds * 100))
        const fresh = await keyProduct(sx, 'Bench Keys None Sold', 0)
        const sold = await keyProduct(sx, 'Bench Keys 90% Sold', POOL_SOLD)
        await analyze(sx.services.db, dialect, ['stock_items'])
        // Warmed on the unsold pool only: the sold one keeps its 10,000 keys for the measured phase.
        await checkoutRate(sx, fresh.id, WARM_ORDERS)
        const none = await checkoutRate(sx, fresh.id, orders)
        const mostlySold = await checkoutRate(sx, sold.id, orders)
        return {
          orders,
          none_orders_per_s: none.orders_per_s,
          none_p99_ms: none.p99_ms,
          none_cpu_us_per_order: none.cpu_us,
          sold_orders_per_s: mostlySold.orders_per_s,
          sold_p99_ms: mostlySold.p99_ms,
          sold_cpu_us_per_order: mostlySold.cpu_us,
          ratio: round(mostlySold.orders_per_s / none.orders_per_s, 3),
          ratio_by_cpu: round(none.cpu_us / mostlySold.cpu_us, 3),
          plant_ms: round(fresh.plant_ms + sold.plant_ms),
        }
      } finally {
        await sx.close()
      }
    },
  },
]

function phase(name: string, figures: LoadFigures): Figures {
  return {
    [`${name}_req_per_s`]: figures.req_per_s,
    [`${name}_p99_ms`]: figures.p99_ms,
    [`${name}_cpu_us_per_req`]: figures.server_cpu_us_per_req,
  }
}

/** A license_key product (through the API) and its pool planted directly: `sold` of POOL_KEYS keys sold. */
async function keyProduct(sx: Sx, name: string, sold: number): Promise<{ id: string; plant_ms: number }> {
  const { id } = (await postJson(`${sx.url}/v1/products`, sx.testKey, {
    name,
    type: 'license_key',
    price_cents: 1500,
    currency: 'USD',
  })) as { id: string }
  const { services, shopId } = sx
  const planting = await timed(() =>
    plantPool(services.db, services.secretBox, { shopId, livemode: false }, id, POOL_KEYS, sold),
  )
  return { id, plant_ms: planting.ms }
}

/** `orders` orders (qty 1) on KEY_CONNECTIONS connections: every answer must be 201. */
async function checkoutRate(sx: Sx, productId: string, orders: number) {
  const { url, headers, request } = orderRequest(sx, productId)
  const result = await race(url, orders, KEY_CONNECTIONS, headers, { ...request, timeoutSeconds: POOL_TIMEOUT_SECONDS })
  if (result.statuses['201'] !== orders || result.errors + result.timeouts > 0)
    throw new Error(
      `key_checkout_sold: ${orders} orders answered ${JSON.stringify(result.statuses)}, ` +
        `${result.errors} errors, ${result.timeouts} timeouts: ${result.answers.find((a) => a.status !== 201)?.body.slice(0, 300)}`,
    )
  return {
    orders_per_s: round(orders / (result.ms / 1000)),
    p99_ms: result.p99_ms,
    cpu_us: result.server_cpu_us_per_req,
  }
}

/** Jobs due now (mails, mostly): the worker's backlog. */
async function dueJobs(db: Db): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_at', '<=', Date.now())
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Waits (up to 60 s) for the worker to catch up; answers the backlog it found first. */
async function waitForDueJobs(db: Db): Promise<number> {
  const first = await dueJobs(db)
  const deadline = Date.now() + 60_000
  while ((await dueJobs(db)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  return first
}
