// Webhook delivery across real processes: `sx serve` killed with SIGKILL while deliveries are in
// flight loses none of them (they go out again once their lease passes), and two `sx worker`
// processes draining one queue never send the same attempt twice.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { connect } from '../src/db/connect.ts'
import { DIALECTS, createDatabase } from './harness.ts'
import { LISTENING, runSx, waitFor } from './processes.ts'
import { startReceiver } from './webhook-helpers.ts'

async function prepare(dialect: (typeof DIALECTS)[number], extraEnv: Record<string, string> = {}) {
  const database = await createDatabase(dialect)
  const dataDir = mkdtempSync(join(tmpdir(), 'sx-hooks-'))
  // The test's own connection (opened once the server has migrated the database) closes before the drop.
  let reader: ReturnType<typeof connect> | null = null
  after(async () => {
    await reader?.db.destroy()
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const env = {
    DATABASE_URL: database.url,
    SX_DATA_DIR: dataDir,
    SX_DEMO_SEED: 'false',
    JOB_POLL_MS: '50',
    JOB_LEASE_MS: '1500',
    WEBHOOK_TIMEOUT_MS: '2000',
    RATE_LIMIT_WRITES: '100000',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  }
  const init = runSx(['init', '--shop', 'Hooks Co', '--email', 'hooks@example.com', '--json'], env)
  assert.equal(await init.exited, 0, init.output().stderr)
  const key = JSON.parse(init.output().stdout).keys.test as string
  const serve = async (more: Record<string, string> = {}) => {
    const run = runSx(['serve'], { ...env, PORT: '0', LOG_LEVEL: 'info', ...more })
    await waitFor(() => LISTENING.test(run.output().stdout), 'the server to listen')
    const base = run.output().stdout.match(LISTENING)![1]!
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, json: await res.json() }
    }
    return { run, call }
  }
  const db = () => (reader ??= connect(database.url)).db
  const eventIds = async () => (await db().selectFrom('events').select('id').execute()).map((row) => row.id).sort()
  const delivered = async () =>
    (await db().selectFrom('webhook_queue').select('id').where('status', '=', 'delivered').execute()).length
  return { env, serve, eventIds, delivered }
}

const createProducts = (
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number }>,
  count: number,
  from = 0,
) =>
  Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const res = await call('POST', '/v1/products', {
        name: `Hook product ${from + i}`,
        type: 'physical',
        price_cents: 100,
        currency: 'USD',
      })
      assert.equal(res.status, 201)
    }),
  )

for (const dialect of DIALECTS) {
  describe(`${dialect}: webhook delivery across processes`, () => {
    it('loses no event when the server is killed with deliveries in flight', async () => {
      // The receiver holds every request open until the server has died, then answers at once.
      let serverDead = false
      const receiver = await startReceiver(() => (serverDead ? 200 : 'hang'))
      // Retries a second apart: a send that times out on a loaded machine goes again soon, not after the default minute.
      const { serve, eventIds } = await prepare(dialect, { WEBHOOK_RETRY_DELAYS: '1,1,1,1,1,1,1,1' })
      const first = await serve()
      assert.equal((await first.call('POST', '/v1/webhooks', { url: receiver.url, events: ['*'] })).status, 201)
      await createProducts(first.call, 30)
      await receiver.waitForCount(5, 'deliveries in flight')
      first.run.child.kill('SIGKILL')
      await first.run.exited
      serverDead = true
      const inFlightAtCrash = receiver.received.length

      const second = await serve()
      const expected = await eventIds()
      assert.equal(expected.length, 30)
      const answered = () => new Set(receiver.received.slice(inFlightAtCrash).map((r) => JSON.parse(r.body).id))
      await waitFor(() => answered().size === expected.length, 'every event to be delivered after the restart', 120_000)
      assert.deepEqual([...answered()].sort(), expected)
      second.run.child.kill('SIGTERM')
      assert.equal(await second.run.exited, 0)
    })

    it('two worker processes on one database never send the same attempt twice', async () => {
      const receiver = await startReceiver(() => (res) => setTimeout(() => res.writeHead(200).end('ok'), 5))
      // The default 10 s timeout: a send timed out on a loaded machine would be retried, and its
      // retry (rightly) sent again, which this test would count as a double send. A 10 s lease, so
      // a row waiting its turn in a busy worker's buffer is sent rather than left to its lease
      // (a worker sends a row only while its lease outlasts the timeout by a second).
      const { serve, env, delivered } = await prepare(dialect, {
        WEBHOOK_ENDPOINT_CONCURRENCY: '4',
        WEBHOOK_TIMEOUT_MS: '10000',
        JOB_LEASE_MS: '10000',
      })
      const api = await serve({ SX_WORKER: 'off' })
      assert.equal((await api.call('POST', '/v1/webhooks', { url: receiver.url, events: ['*'] })).status, 201)
      const workers = [runSx(['worker'], env), runSx(['worker'], env)]
      for (let batch = 0; batch < 4; batch++) await createProducts(api.call, 50, batch * 50)
      await waitFor(async () => (await delivered()) === 200, 'all 200 deliveries to be recorded', 120_000)
      // A graceful stop waits for every send in flight: once both workers are gone, nothing more
      // can arrive, so the count below is final rather than a count after some wait.
      for (const worker of workers) worker.child.kill('SIGTERM')
      for (const worker of workers) assert.equal(await worker.exited, 0)
      const ids = receiver.events().map((e) => e.id)
      assert.equal(ids.length, 200, 'no attempt sent twice')
      assert.equal(new Set(ids).size, 200)
      api.run.child.kill('SIGTERM')
      await api.run.exited
    })
  })
}
