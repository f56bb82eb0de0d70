// The job queue's cost does not grow with the jobs waiting for later: with ~50k future jobs (an
// unpaid order's expiry job waits 30 min) claiming and "when is the next job due" are index reads
// on both dialects (checked on the plans), and they still answer right: the first due job, a held
// job's lease end, a job re-enqueued while held. And an idle worker is woken only by a commit that
// queued a job due before its next look (statements counted through connect's onQuery).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CompiledQuery, sql, type Compilable } from 'kysely'
import { DIALECTS, createDatabase } from './harness.ts'
import { connect, type Connection } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createSecretBox } from '../src/platform/secret-box.ts'
import {
  claimNext,
  claimQuery,
  enqueue,
  finish,
  nextRunAt,
  nextRunAtQuery,
  type Job,
} from '../src/platform/jobs/queue.ts'
import { createJobRunner, type JobHandlers } from '../src/platform/jobs/runner.ts'
import { JOB_KINDS } from '../src/platform/jobs/kinds.ts'
import { createWorkSignal } from '../src/platform/jobs/notices.ts'
import { systemClock } from '../src/platform/clock.ts'
import { waitFor } from './processes.ts'

const FUTURE_JOBS = 50_000
const NOW = 1_900_000_000_000
const LEASE_MS = 60_000
const EXPIRY_MS = 30 * 60_000

/** The plan's lines (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL). */
async function planOf(connection: Connection, query: Compilable<unknown>): Promise<string[]> {
  const { sql: text, parameters } = query.compile()
  const prefix = connection.dialect === 'sqlite' ? 'explain query plan ' : 'explain '
  const result = await connection.db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(prefix + text, [...parameters]),
  )
  return result.rows.map((row) => String(row.detail ?? row['QUERY PLAN']))
}

/** A line that reads the whole jobs table: `SCAN jobs` without an index, or a Seq Scan. */
function fullScans(plan: string[]): string[] {
  return plan.filter((line) => /\bSCAN jobs\b(?! USING)/.test(line) || /Seq Scan on jobs\b/.test(line))
}

/** Bulk rows for the expiry jobs of unpaid orders, one statement per dialect. */
async function plantFutureJobs(connection: Connection): Promise<void> {
  const range =
    connection.dialect === 'postgres'
      ? sql`select n from generate_series(1, ${FUTURE_JOBS}) as n`
      : sql`with recursive s(n) as (select 1 union all select n + 1 from s where n < ${FUTURE_JOBS}) select n from s`
  await sql`insert into jobs (id, kind, ref, run_at, attempts, locked_until, last_error, created_at)
    select 'job_planted_' || n, 'order.expire', 'ord_planted_' || n, cast(${NOW + EXPIRY_MS} as bigint) + n, 0, null, null, cast(${NOW} as bigint)
    from (${range}) as planted`.execute(connection.db)
  // What autovacuum does on a table that grew: the planner sees its real size.
  await sql`analyze jobs`.execute(connection.db)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: job queue with ${FUTURE_JOBS} jobs waiting for later`, () => {
    let connection: Connection
    let drop: () => Promise<void>

    before(async () => {
      const database = await createDatabase(dialect)
      drop = database.drop
      connection = connect(database.url)
      await migrateToLatest(connection.db, createSecretBox('job queue test'))
      await plantFutureJobs(connection)
    })
    after(async () => {
      await connection.db.destroy()
      await drop()
    })

    it('claims and finds the next due time with index reads, never a scan of the table', async () => {
      const claimPlan = await planOf(connection, claimQuery(connection.db, dialect, NOW, LEASE_MS))
      const nextPlan = await planOf(connection, nextRunAtQuery(connection.db))
      assert.deepEqual(fullScans(claimPlan), [], `claim plan:\n${claimPlan.join('\n')}`)
      assert.deepEqual(fullScans(nextPlan), [], `next-due plan:\n${nextPlan.join('\n')}`)
      // Each reads an index of jobs, named in the plan.
      assert.match(claimPlan.join('\n'), /jobs_by_run_at/)
      assert.match(nextPlan.join('\n'), /jobs_by_run_at/)
      assert.match(nextPlan.join('\n'), /jobs_held/)
    })

    it('answers the first job due, a held job by its lease end, and a job re-enqueued while held', async () => {
      const { db } = connection
      assert.equal(await nextRunAt(db), NOW + EXPIRY_MS + 1, 'the first planted expiry')
      assert.equal(await claimNext(db, dialect, NOW, LEASE_MS), undefined, 'nothing is due yet')

      await enqueue(db, { kind: 'order.deliver', ref: 'ord_due', runAt: NOW - 1 })
      assert.equal(await nextRunAt(db), NOW - 1)
      const held = await claimNext(db, dialect, NOW, LEASE_MS)
      assert.equal(held?.ref, 'ord_due')
      // Held: it comes due again when its lease ends (a crashed worker's job is taken over then).
      assert.equal(await nextRunAt(db), NOW + LEASE_MS)
      assert.equal(await claimNext(db, dialect, NOW + 1, LEASE_MS), undefined, 'a live lease is not taken')

      // Enqueued again while held, for later than the lease: it runs then, and not before.
      await enqueue(db, { kind: 'order.deliver', ref: 'ord_due', runAt: NOW + 2 * LEASE_MS })
      assert.equal(await nextRunAt(db), NOW + 2 * LEASE_MS)
      await finish(db, held!)
      assert.equal(await nextRunAt(db), NOW + 2 * LEASE_MS, 'kept, unheld, for its new time')
      assert.equal(await claimNext(db, dialect, NOW + LEASE_MS + 1, LEASE_MS), undefined)
      const again = await claimNext(db, dialect, NOW + 2 * LEASE_MS, LEASE_MS)
      assert.equal(again?.ref, 'ord_due')
      await finish(db, again!)

      // A job due sooner than the expiries, unheld: the next look is at its time.
      await enqueue(db, { kind: 'mail.send', ref: 'mail_soon', runAt: NOW + 10_000 })
      assert.equal(await nextRunAt(db), NOW + 10_000)
    })
  })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: what wakes an idle worker`, () => {
    it('a commit that queues a job due later than its next look wakes nobody; one due now does', async () => {
      const database = await createDatabase(dialect)
      let statements = 0
      const connection = connect(database.url, { onQuery: () => statements++ })
      const ran: string[] = []
      const runner = createJobRunner({
        db: connection.db,
        dialect,
        clock: systemClock,
        handlers: Object.fromEntries(
          JOB_KINDS.map((kind) => [kind, async (job: Job) => void ran.push(job.ref)]),
        ) as JobHandlers,
        // Polling alone would not look again during this test.
        pollMs: 60_000,
        idleMs: 60_000,
        leaseMs: LEASE_MS,
        concurrency: 4,
        onError: (error) => assert.fail(String(error)),
      })
      try {
        await migrateToLatest(connection.db, createSecretBox('job queue test'))
        const signal = createWorkSignal({ connection, now: () => systemClock.now(), horizonMs: 60_000 })
        signal.onNotice((notice) => notice.jobsDueAt !== null && runner.nudge(notice.jobsDueAt))
        runner.start()
        await waitFor(async () => {
          const seen = statements
          await new Promise((resolve) => setTimeout(resolve, 100))
          return statements === seen
        }, 'the runner to go idle')

        // An unpaid order's expiry, 30 min out: the commit is the only statement.
        const before = statements
        await connection.db
          .transaction()
          .execute((trx) =>
            enqueue(trx, { kind: 'order.expire', ref: 'ord_later', runAt: systemClock.now() + EXPIRY_MS }),
          )
        const committed = statements - before
        await new Promise((resolve) => setTimeout(resolve, 300))
        assert.equal(statements - before, committed, 'the runner did not look')

        await connection.db
          .transaction()
          .execute((trx) => enqueue(trx, { kind: 'order.deliver', ref: 'ord_now', runAt: systemClock.now() }))
        await waitFor(() => ran.includes('ord_now'), 'the job due now to run')
        assert.deepEqual(ran, ['ord_now'])
      } finally {
        await runner.stop()
        await connection.db.destroy()
        await database.drop()
      }
    })
  })
}
