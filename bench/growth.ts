// Rows that show a cost growing with the work, each as a ratio within one run:
// `order_rate_pending_jobs` (order creation with 50k pending jobs vs none, worker in process) and
// `key_checkout_sold` (a key checkout with 90 % of 100k keys sold vs none sold).
import { countRows, quiet } from './lib/audit.ts'
import { startSx, workerErrors, type Figures, type Run, type Sx } from './lib/boot.ts'
import type { Db } from '../packages/server/src/db/database.ts'
import { load, postJson, round, timed, warmUp, type LoadFigures } from './lib/drive.ts'
import { analyze, plantJobs, plantPool } from './lib/seed.ts'
import { firstOrder, orderRequest, unlimitedProduct } from './writes.ts'

const PENDING_JOBS = 50_000
/** As checkout queues an unpaid order's expiry (ORDER_TTL_SECONDS, default 30 min): never due during the bench. */
const EXPIRY_MS = 30 * 60_000
const POOL_KEYS = 100_000
const POOL_SOLD = 90_000
/**
 * Each pool phase lasts at most this long: the sold pool has 10,000 keys left, which 5 s at up to
 * 2,000 orders/s cannot sell out (a sold-out 409 fails the run: then raise POOL_KEYS).
 */
const MAX_POOL_PHASE_SECONDS = 5
/** Before the pool index is right a checkout can take seconds under 50 connections: measure it, not time it out. */
const POOL_TIMEOUT_SECONDS = 60
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
      `POST /v1/orders of qty 1 of a license_key product (no worker), on a pool of ${POOL_KEYS.toLocaleString('en')} keys ` +
      `none sold, then on one with ${POOL_SOLD.toLocaleString('en')} of them sold (≤ ${MAX_POOL_PHASE_SECONDS} s each)`,
    run: async ({ dialect, seconds }) => {
      const sx = await startSx(dialect)
      try {
        const phaseSeconds = Math.min(seconds, MAX_POOL_PHASE_SECONDS)
        const fresh = await keyProduct(sx, 'Bench Keys None Sold', 0)
        const sold = await keyProduct(sx, 'Bench Keys 90% Sold', POOL_SOLD)
        await analyze(sx.services.db, dialect, ['stock_items'])
        const keyOrder = (productId: string) => {
          const order = orderRequest(sx, productId)
          return { ...order, request: { ...order.request, timeoutSeconds: POOL_TIMEOUT_SECONDS } }
        }
        const none = keyOrder(fresh.id)
        const mostlySold = keyOrder(sold.id)
        // Warmed on the unsold pool only: the sold one has keys to spare for the measured phase alone.
        await warmUp(none.url, none.headers, none.request)
        await quiet(sx.services.db)
        const noneFigures = await load(none.url, phaseSeconds, none.headers, CONNECTIONS, none.request)
        await quiet(sx.services.db)
        const soldFigures = await load(
          mostlySold.url,
          phaseSeconds,
          mostlySold.headers,
          CONNECTIONS,
          mostlySold.request,
        )
        return {
          phase_seconds: phaseSeconds,
          none_orders_per_s: noneFigures.req_per_s,
          none_p99_ms: noneFigures.p99_ms,
          none_cpu_us_per_order: noneFigures.server_cpu_us_per_req,
          sold_orders_per_s: soldFigures.req_per_s,
          sold_p99_ms: soldFigures.p99_ms,
          sold_cpu_us_per_order: soldFigures.server_cpu_us_per_req,
          ratio: round(soldFigures.req_per_s / noneFigures.req_per_s, 3),
          ratio_by_cpu: round(noneFigures.server_cpu_us_per_req / soldFigures.server_cpu_us_per_req, 3),
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
