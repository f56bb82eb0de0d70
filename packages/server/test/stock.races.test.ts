// Counter stock under races, over real sockets: for every counter type (physical, subscription,
// file_download, dynamic) many buyers race for a few units: exactly that many orders, the rest sold
// out, the counter at 0; when the unpaid orders expire the counter comes back to exactly what it
// was, never more. Once in one process (the clock is moved past the orders' expiry), once across
// two `sx serve` processes on one database. The harness (and `sx doctor` in the second) then checks
// every counter against its movements.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { connect } from '../src/db/connect.ts'
import {
  DIALECTS,
  client,
  createDatabase,
  listen,
  sampleProduct,
  startTestEnv,
  type Client,
  type TestEnv,
} from './harness.ts'
import { NO_LIMITS, SHIP_TO } from './orders-helpers.ts'
import { LISTENING, runSx, waitFor } from './processes.ts'

const COUNTER_TYPES = ['physical', 'subscription', 'file_download', 'dynamic'] as const
type CounterType = (typeof COUNTER_TYPES)[number]
const TTL_SECONDS = 600
const BUYERS = 40
const STOCK = 5

/** What these races read from an answer: an order or product (`id`, `status`, `stock`) or a problem (`errors`, `detail`). */
type Answer = { id: string; status: string; stock: number | null; errors?: Record<string, string[]>; detail?: string }
type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Answer }>

function caller(base: string, secret: string): Call {
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${secret}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, json: (await res.json()) as Answer }
  }
}

const orderBody = (type: CounterType, productId: string, i: number) => ({
  customer_email: `buyer${i}@example.com`,
  items: [{ product_id: productId, qty: 1 }],
  ...(type === 'physical' ? { shipping_address: SHIP_TO } : {}),
})

/** `buyers` concurrent checkouts, spread over `calls` (one per server): the orders made, and the refusals. */
async function race(calls: Call[], type: CounterType, productId: string, buyers: number) {
  const answers = await Promise.all(
    Array.from({ length: buyers }, (_, i) =>
      calls[i % calls.length]!('POST', '/v1/orders', orderBody(type, productId, i)),
    ),
  )
  const statuses = answers.map((a) => a.status)
  const created = answers.filter((a) => a.status === 201).map((a) => a.json)
  const refused = answers.filter((a) => a.status === 409).map((a) => a.json)
  return {
    statuses,
    created,
    refused,
    summary: `${created.length} orders, ${refused.length} sold out: ${statuses.join(',')}`,
  }
}

function assertRace(result: Awaited<ReturnType<typeof race>>, productId: string, stock: number, buyers: number) {
  assert.equal(result.created.length, stock, `exactly ${stock} orders (oversold otherwise): ${result.summary}`)
  assert.equal(result.refused.length, buyers - stock, result.summary)
  assert.equal(new Set(result.created.map((o) => o.id)).size, stock)
  for (const body of result.refused) {
    assert.deepEqual(body.errors, { sold_out: [productId] })
    assert.match(body.detail ?? '', /Only 0 left\.$/, 'the refusal reports what is really left')
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: counter stock races`, () => {
    let env: TestEnv
    let base: string
    // The orders expire when the clock passes their expires_at; the test moves it there.
    let skewMs = 0
    const clock = { now: () => Date.now() + skewMs }
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, ORDER_TTL_SECONDS: String(TTL_SECONDS) }, { clock })
      base = await listen(env.app)
    })
    after(() => env.close())

    const counterProduct = async (api: Client, type: CounterType, stock: number) => {
      const res = await api.post('/v1/products', sampleProduct({ type, name: `Counted ${type}`, stock }))
      assert.equal(res.statusCode, 201, res.body)
      const id = res.json().id as string
      if (type === 'file_download') {
        const upload = await env.app.inject({
          method: 'PUT',
          url: `/v1/products/${id}/file?filename=guide.pdf`,
          payload: Buffer.from('%PDF-1.4 counted'),
          headers: { authorization: `Bearer ${api.secret}`, 'content-type': 'application/pdf' },
        })
        assert.equal(upload.statusCode, 200, upload.body)
      }
      return id
    }

    for (const type of COUNTER_TYPES) {
      it(`${type}: ${BUYERS} buyers for ${STOCK} units make ${STOCK} orders; when they expire the counter is back to exactly ${STOCK}`, async () => {
        const shop = await env.newShop()
        const api = client(env.app, shop.keys.test)
        const productId = await counterProduct(api, type, STOCK)
        const result = await race([caller(base, shop.keys.test)], type, productId, BUYERS)
        assertRace(result, productId, STOCK, BUYERS)
        assert.equal((await api.get(`/v1/products/${productId}`)).json().stock, 0)

        skewMs += (TTL_SECONDS + 1) * 1000
        const orderIds = result.created.map((o) => o.id as string)
        const expired = async () => {
          const orders = await Promise.all(orderIds.map(async (id) => (await api.get(`/v1/orders/${id}`)).json()))
          return orders.every((o) => o.status === 'failed' && o.failure_reason === 'payment_expired')
        }
        await waitFor(expired, 'the unpaid orders to expire')
        // Each order gives its unit back in the transaction that fails it: all are back now.
        assert.equal(
          (await api.get(`/v1/products/${productId}`)).json().stock,
          STOCK,
          'every reserved unit came back once, and no more',
        )
        const moves = await env.services.db
          .selectFrom('stock_movements')
          .select(['kind', 'delta'])
          .where('product_id', '=', productId)
          .orderBy('id')
          .execute()
        assert.deepEqual(
          moves.map((m) => `${m.kind} ${Number(m.delta)}`).sort(),
          [`set ${STOCK}`, ...Array(STOCK).fill('released 1'), ...Array(STOCK).fill('reserved -1')].sort(),
        )
      })
    }
  })

  describe(`${dialect}: counter stock across two sx serve processes`, () => {
    it(`50 buyers split over two servers for 15 subscription seats: 15 orders; expired, the 15 seats come back`, async () => {
      const database = await createDatabase(dialect)
      const dataDir = mkdtempSync(join(tmpdir(), 'sx-stock-'))
      after(async () => {
        await database.drop()
        rmSync(dataDir, { recursive: true, force: true })
      })
      const sxEnv = {
        DATABASE_URL: database.url,
        SX_DATA_DIR: dataDir,
        SX_DEMO_SEED: 'false',
        JOB_POLL_MS: '50',
        // The test moves the expiry jobs by a direct UPDATE, which announces nothing: on PostgreSQL
        // idle workers see it at their fallback look (30 s by default), so look often here.
        JOB_LISTEN_POLL_MS: '500',
        ...NO_LIMITS,
        ORDER_TTL_SECONDS: String(TTL_SECONDS),
      }
      const init = runSx(['init', '--shop', 'Seats Co', '--email', 'seats@example.com', '--json'], sxEnv)
      assert.equal(await init.exited, 0, init.output().stderr)
      const key = JSON.parse(init.output().stdout).keys.test as string
      const servers = [0, 1].map(() => runSx(['serve'], { ...sxEnv, PORT: '0', LOG_LEVEL: 'info' }))
      for (const run of servers)
        await waitFor(
          () => LISTENING.test(run.output().stdout) || run.child.exitCode !== null,
          'both servers to listen',
        )
      const calls = servers.map((run) => {
        assert.equal(run.child.exitCode, null, run.output().stderr)
        return caller(run.output().stdout.match(LISTENING)![1]!, key)
      })

      const created = await calls[0]!(
        'POST',
        '/v1/products',
        sampleProduct({ type: 'subscription', name: 'Team seat', stock: 15 }),
      )
      assert.equal(created.status, 201)
      const productId = created.json.id as string
      const result = await race(calls, 'subscription', productId, 50)
      assertRace(result, productId, 15, 50)
      for (const call of calls) assert.equal((await call('GET', `/v1/products/${productId}`)).json.stock, 0)

      // The buyers' time runs out: their deadlines (and the expiry jobs set for them) move to now,
      // as the clock would move them in an hour, so the servers' workers expire the orders.
      const orderIds = result.created.map((o) => o.id as string)
      const { db } = connect(database.url)
      try {
        const now = Date.now()
        await db.updateTable('orders').set({ expires_at: now }).where('id', 'in', orderIds).execute()
        await db
          .updateTable('jobs')
          .set({ run_at: now })
          .where('kind', '=', 'order.expire')
          .where('ref', 'in', orderIds)
          .execute()
      } finally {
        await db.destroy()
      }
      const expired = async () =>
        (await Promise.all(orderIds.map((id) => calls[0]!('GET', `/v1/orders/${id}`)))).every(
          (o) => o.json.status === 'failed',
        )
      await waitFor(expired, 'the unpaid orders to expire on either server', 30_000)
      for (const call of calls)
        assert.equal((await call('GET', `/v1/products/${productId}`)).json.stock, 15, 'exactly the 15 seats came back')

      for (const run of servers) run.child.kill('SIGTERM')
      assert.deepEqual(await Promise.all(servers.map((run) => run.exited)), [0, 0])
      const doctor = runSx(['doctor'], { DATABASE_URL: database.url, SX_DATA_DIR: dataDir, LOG_LEVEL: 'silent' })
      assert.equal(await doctor.exited, 0, doctor.output().stdout + doctor.output().stderr)
      assert.match(doctor.output().stdout, /^stock ok: 1 counter agrees with its movements$/m)
    })
  })
}
