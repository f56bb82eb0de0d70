// Kill -9 the server in the middle of a delivery: after a restart the delivery resumes (its job
// lease runs out and the new process takes it over), the buyer gets the goods exactly once, and
// the merchant's endpoint sees the same Idempotency-Key on the retried call. The lease is the
// default minute, so however slow the machine, no process takes its own job over before the kill;
// the test then ages the dead process's lease in the database instead of waiting the minute out.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { connect } from '../src/db/connect.ts'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, createDatabase } from './harness.ts'
import { LISTENING, runSx, waitFor } from './processes.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: crash during delivery`, () => {
    it('resumes after kill -9 and delivers once', async () => {
      const database = await createDatabase(dialect)
      const dataDir = mkdtempSync(join(tmpdir(), 'sx-crash-'))
      after(async () => {
        await database.drop()
        rmSync(dataDir, { recursive: true, force: true })
      })

      // The merchant endpoint holds the first call open (the server dies during it), answers later ones.
      const calls: string[] = []
      const held: ServerResponse[] = []
      const merchant = createServer((req, res) => {
        req.resume().on('end', () => {
          calls.push(String(req.headers['idempotency-key']))
          if (calls.length === 1) return void held.push(res)
          res.writeHead(200, { 'content-type': 'text/plain' }).end('CODE-AAA\nCODE-BBB\n')
        })
      })
      await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve))
      after(() => {
        held.forEach((res) => res.destroy())
        merchant.close()
      })

      const env = {
        DATABASE_URL: database.url,
        SX_DATA_DIR: dataDir,
        SX_DEMO_SEED: 'false',
        JOB_POLL_MS: '50',
        DYNAMIC_TIMEOUT_MS: '30000',
        LOG_LEVEL: 'warn',
      }
      const init = runSx(['init', '--shop', 'Crash Co', '--email', 'crash@example.com', '--json'], env)
      assert.equal(await init.exited, 0, init.output().stderr)
      const key = JSON.parse(init.output().stdout).keys.test as string

      const start = async () => {
        const run = runSx(['serve'], { ...env, PORT: '0', LOG_LEVEL: 'info' })
        await waitFor(() => LISTENING.test(run.output().stdout), 'the server to listen')
        return { run, base: run.output().stdout.match(LISTENING)![1]! }
      }
      const first = await start()
      const call = async (base: string, method: string, path: string, body?: unknown) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        return { status: res.status, json: await res.json() }
      }
      const url = `http://127.0.0.1:${(merchant.address() as { port: number }).port}/codes`
      const product = await call(first.base, 'POST', '/v1/products', {
        name: 'Codes',
        type: 'dynamic',
        price_cents: 500,
        currency: 'USD',
        dynamic_url: url,
      })
      const order = await call(first.base, 'POST', '/v1/orders', {
        customer_email: 'b@example.com',
        items: [{ product_id: product.json.id, qty: 2 }],
      })
      assert.equal(order.status, 201)
      assert.equal((await call(first.base, 'POST', `/v1/test_helpers/orders/${order.json.id}/pay`, {})).status, 200)

      await waitFor(() => calls.length === 1, 'the delivery call to reach the merchant')
      first.run.child.kill('SIGKILL')
      await first.run.exited
      const dead = connect(database.url)
      const aged = await dead.db
        .updateTable('jobs')
        .set({ locked_until: Date.now() - 1 })
        .where('kind', '=', 'order.deliver')
        .where('locked_until', 'is not', null)
        .executeTakeFirst()
      await dead.db.destroy()
      assert.equal(aged.numUpdatedRows, 1n, 'the dead process held the delivery job')

      const second = await start()
      let final: Order | undefined
      await waitFor(
        async () =>
          (final = (await call(second.base, 'GET', `/v1/orders/${order.json.id}`)).json).status === 'completed',
        'the delivery to resume',
      )
      assert.ok(final)
      assert.deepEqual(
        final.delivery.items.map((i) => i.value),
        ['CODE-AAA', 'CODE-BBB'],
      )
      assert.deepEqual(
        calls,
        [`${order.json.id}:1`, `${order.json.id}:1`],
        'the retried call carries the same Idempotency-Key',
      )
      second.run.child.kill('SIGTERM')
      assert.equal(await second.run.exited, 0)

      const { db } = connect(database.url)
      const events = await db.selectFrom('events').select('type').where('type', 'like', 'order.%').execute()
      await db.destroy()
      assert.deepEqual(
        events.map((e) => e.type),
        ['order.paid', 'order.delivered'],
        'one delivery, one event',
      )
    })
  })
}
