// On PostgreSQL workers hear of new jobs and events by LISTEN/NOTIFY instead of polling: an idle
// `sx serve` + `sx worker` pair sends almost nothing, and an order paid through the API process is
// delivered by a separate worker process at once, long before that worker's fallback poll.
// Statements are counted as the database's committed and rolled back transactions
// (pg_stat_database), so the count includes everything both processes send.
import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import pg from 'pg'
import { DIALECTS, createDatabase } from './harness.ts'
import { LISTENING, runSx, waitFor } from './processes.ts'

const PG_URL = process.env.TEST_DATABASE_URL
/** PostgreSQL reports an idle backend's statistics up to 10 s late: start counting after that. */
const SETTLE_MS = 11_000
const WINDOW_MS = 15_000
/** The worker's fallback poll in part (b): far longer than a delivery may take. */
const LISTEN_POLL_MS = 120_000
const PROMPT_MS = 10_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('postgres: worker wake-ups', { skip: !DIALECTS.includes('postgres') && 'needs TEST_DATABASE_URL' }, () => {
  let admin: pg.Client
  before(async () => {
    admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
  })
  after(() => admin.end())
  /** Each test its own database, so each `sx serve` seeds the demo shop and prints its key. */
  let database: Awaited<ReturnType<typeof createDatabase>>
  beforeEach(async () => {
    database = await createDatabase('postgres')
  })
  afterEach(() => database.drop())

  /** Transactions the database has seen so far (each statement outside a transaction is one). */
  async function transactions(): Promise<number> {
    const name = new URL(database.url).pathname.slice(1)
    const { rows } = await admin.query<{ n: string }>(
      'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
      [name],
    )
    return Number(rows[0]?.n ?? 0)
  }

  /** `sx serve` (its worker off when `worker` is false) and one `sx worker`, on the same database and data folder. */
  async function start(env: Record<string, string>) {
    const common = { DATABASE_URL: database.url, SX_DATA_DIR: database.dataDir, LOG_LEVEL: 'warn', ...env }
    // Started together (migrations take a lock): a start through tsx takes a while on a busy machine.
    const serve = runSx(['serve'], { ...common, PORT: '0', LOG_LEVEL: 'info' })
    const worker = runSx(['worker'], { ...common, LOG_LEVEL: 'info' })
    await waitFor(() => LISTENING.test(serve.output().stdout), 'the server to listen')
    await waitFor(() => /sx worker running/.test(worker.output().stdout), 'the worker to start')
    return { serve, worker, baseUrl: serve.output().stdout.match(LISTENING)![1]! }
  }

  async function stop(...runs: ReturnType<typeof runSx>[]) {
    for (const run of runs) {
      run.child.kill('SIGTERM')
      await run.exited
    }
  }

  it('an idle sx serve and sx worker send at most one statement a second', { timeout: 120_000 }, async () => {
    const { serve, worker } = await start({})
    await sleep(SETTLE_MS)
    const before = await transactions()
    await sleep(WINDOW_MS)
    const sent = (await transactions()) - before
    await stop(serve, worker)
    const perSecond = sent / (WINDOW_MS / 1000)
    console.log(`idle sx serve + sx worker: ${sent} statements in ${WINDOW_MS / 1000} s (${perSecond.toFixed(2)}/s)`)
    assert.ok(perSecond <= 1, `${perSecond}/s`)
  })

  it(
    'an order paid through the API process is delivered by another process’s worker at once',
    { timeout: 120_000 },
    async () => {
      // The API process runs no worker; the worker would look on its own only after LISTEN_POLL_MS.
      const { serve, worker, baseUrl } = await start({
        SX_WORKER: 'off',
        JOB_LISTEN_POLL_MS: String(LISTEN_POLL_MS),
      })
      const testKey = serve.output().stdout.match(/Test key:\s+(sx_test_\w+)/)?.[1]
      assert.ok(testKey, 'the demo shop was created by this serve')
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        return { status: res.status, body: await res.json() }
      }
      const products = (await call('GET', '/v1/products')).body.data as { id: string; type: string; stock: number }[]
      const key = products.find((product) => product.type === 'license_key' && product.stock > 0)
      assert.ok(key, 'a demo key product')
      // Let the worker settle into its idle sleep (startup looks and the LISTEN are done by now).
      await sleep(2000)
      // A few in a row: the first pays for the worker's cold start, the rest show the usual delay.
      const took: number[] = []
      for (let order = 0; order < 3; order++) {
        const created = await call('POST', '/v1/orders', {
          customer_email: 'buyer@example.com',
          items: [{ product_id: key.id, qty: 1 }],
        })
        assert.equal(created.status, 201, JSON.stringify(created.body))
        const paidAt = Date.now()
        assert.equal((await call('POST', `/v1/test_helpers/orders/${created.body.id}/pay`, {})).status, 200)
        await waitFor(
          async () => (await call('GET', `/v1/orders/${created.body.id}`)).body.status === 'completed',
          'the worker process to deliver the order',
          LISTEN_POLL_MS / 2,
        )
        took.push(Date.now() - paidAt)
        await sleep(1000)
      }
      await stop(serve, worker)
      console.log(`paid in the API process, delivered by the worker process after ${took.join(', ')} ms`)
      for (const ms of took) assert.ok(ms < PROMPT_MS, `delivered after ${ms} ms (fallback poll ${LISTEN_POLL_MS} ms)`)
    },
  )
})
