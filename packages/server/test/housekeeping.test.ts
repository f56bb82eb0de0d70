// The housekeeping job (issue 10, item 3): idempotency records go after 24 h; events, finished
// webhook chains and the attempt log after their retention settings; in bounded batches. Time is
// the injectable clock, and the handler runs directly or through a worker: nothing sleeps.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { DIALECTS, client, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { HOUSEKEEPING_EVERY_MS, HOUSEKEEPING_JOB, housekeepingHandlers, runHousekeeping } from '../src/housekeeping.ts'
import { newId } from '../src/platform/ids.ts'
import type { Job } from '../src/platform/jobs/queue.ts'
import { idempotent } from './money-helpers.ts'
import { waitFor } from './processes.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

for (const dialect of DIALECTS) {
  describe(`${dialect}: housekeeping`, () => {
    let env: TestEnv
    let now = Date.now()
    const clock = { now: () => now }
    // No worker in these instances: the tests run the job themselves, at the time they choose.
    before(async () => {
      env = await startTestEnv(dialect, { SX_WORKER: 'off' }, { clock })
    })
    after(() => env.close())

    const count = async (
      table: 'idempotency_keys' | 'events' | 'webhook_deliveries' | 'webhook_queue',
      shopId: string,
    ) => {
      // Attempts and chains belong to a shop through their endpoint.
      const where =
        table === 'webhook_deliveries' || table === 'webhook_queue'
          ? sql`endpoint_id in (select id from webhook_endpoints where shop_id = ${shopId})`
          : sql`shop_id = ${shopId}`
      return Number(
        (
          await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(
            env.services.db,
          )
        ).rows[0]!.n,
      )
    }

    it('deletes idempotency records after 24 h, and events, finished chains and attempts after 30 days', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const start = now
      for (let i = 0; i < 3; i++)
        assert.equal((await api.post('/v1/products', sampleProduct({ name: `P${i}` }), idempotent())).statusCode, 201)
      const hook = (
        await api.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] }, idempotent())
      ).json()
      assert.equal((await api.post(`/v1/webhooks/${hook.id}/test`, {})).statusCode, 200)
      // As the relay would have done for two of the three events; the third is still waiting to be relayed.
      const events = await env.services.db
        .selectFrom('events')
        .select('id')
        .where('shop_id', '=', shop.shop.id)
        .orderBy('id')
        .execute()
      await env.services.db
        .updateTable('events')
        .set({ dispatched_at: start })
        .where(
          'id',
          'in',
          events.slice(0, 2).map((e) => e.id),
        )
        .execute()
      const chain = (status: string) => ({
        id: newId('webhookQueue'),
        endpoint_id: hook.id,
        event_id: events[0]!.id,
        status,
        attempts: 1,
        next_attempt_at: start,
        locked_until: null,
        locked_by: null,
        created_at: start,
      })
      await env.services.db
        .insertInto('webhook_queue')
        .values([chain('delivered'), { ...chain('pending'), event_id: events[1]!.id }])
        .execute()
      assert.equal(await count('idempotency_keys', shop.shop.id), 4)

      now = start + 23 * HOUR
      assert.deepEqual(await runHousekeeping(env.services), { retryAt: now + HOUSEKEEPING_EVERY_MS })
      assert.equal(await count('idempotency_keys', shop.shop.id), 4, 'kept for 24 h')

      now = start + 25 * HOUR
      await runHousekeeping(env.services)
      assert.equal(await count('idempotency_keys', shop.shop.id), 0, 'gone after 24 h')
      assert.deepEqual(
        [
          await count('events', shop.shop.id),
          await count('webhook_deliveries', shop.shop.id),
          await count('webhook_queue', shop.shop.id),
        ],
        [3, 1, 2],
      )

      now = start + 29 * DAY
      await runHousekeeping(env.services)
      assert.deepEqual(
        [
          await count('events', shop.shop.id),
          await count('webhook_deliveries', shop.shop.id),
          await count('webhook_queue', shop.shop.id),
        ],
        [3, 1, 2],
        'kept for 30 days',
      )

      // EVENTS_RETENTION_DAYS=0 and WEBHOOK_DELIVERIES_RETENTION_DAYS=0 keep them for ever.
      now = start + 31 * DAY
      const forever = await env.spawnApp({ EVENTS_RETENTION_DAYS: '0', WEBHOOK_DELIVERIES_RETENTION_DAYS: '0' })
      await runHousekeeping(forever.services)
      assert.deepEqual(
        [
          await count('events', shop.shop.id),
          await count('webhook_deliveries', shop.shop.id),
          await count('webhook_queue', shop.shop.id),
        ],
        [3, 1, 2],
      )

      await runHousekeeping(env.services)
      assert.equal(
        await count('events', shop.shop.id),
        1,
        'the relayed events went; the one never relayed stays until it is',
      )
      assert.equal(await count('webhook_deliveries', shop.shop.id), 0, 'the attempt log went')
      const left = await env.services.db
        .selectFrom('webhook_queue')
        .select('status')
        .where('endpoint_id', '=', hook.id)
        .execute()
      assert.deepEqual(
        left.map((row) => row.status),
        ['pending'],
        'finished chains went, a pending one stays',
      )
    })

    it('deletes in bounded batches and reschedules itself at once while more is left', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const start = now
      for (let i = 0; i < 5; i++)
        assert.equal((await api.post('/v1/products', sampleProduct({ name: `B${i}` }), idempotent())).statusCode, 201)
      now = start + 25 * HOUR
      const handler = housekeepingHandlers(env.services, { batchRows: 2, batchesPerRun: 2 })[HOUSEKEEPING_JOB]!
      const job = { kind: HOUSEKEEPING_JOB } as Job
      assert.deepEqual(await handler(job), { retryAt: now }, 'two batches of two, and more left: again at once')
      assert.equal(await count('idempotency_keys', shop.shop.id), 1)
      assert.deepEqual(await handler(job), { retryAt: now + HOUSEKEEPING_EVERY_MS }, 'done: again in an hour')
      assert.equal(await count('idempotency_keys', shop.shop.id), 0)
    })

    it('is scheduled by every worker that starts, runs there, and keeps itself scheduled', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const start = now
      assert.equal((await api.post('/v1/products', sampleProduct(), idempotent())).statusCode, 201)
      now = start + 25 * HOUR
      await env.spawnApp({ SX_WORKER: 'in-process' })
      await waitFor(async () => {
        const job = await env.services.db
          .selectFrom('jobs')
          .select(['run_at', 'locked_until'])
          .where('kind', '=', HOUSEKEEPING_JOB)
          .executeTakeFirst()
        return job !== undefined && job.locked_until === null && Number(job.run_at) === now + HOUSEKEEPING_EVERY_MS
      }, 'the worker to run housekeeping and schedule the next run')
      assert.equal(await count('idempotency_keys', shop.shop.id), 0)
    })
  })
}
