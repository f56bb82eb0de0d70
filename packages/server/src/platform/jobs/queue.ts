// The job queue is a table, so jobs commit or roll back with the change that caused them (an
// outbox) and any number of workers on one database share it. Jobs carry an id only; handlers
// re-read state and are idempotent.
import { sql } from 'kysely'
import type { Db, DbOrTrx, Dialect } from '../../db/database.ts'
import { newId } from '../ids.ts'
import type { JobsTable } from './jobs.table.ts'
import type { JobKind } from './kinds.ts'

export type Job = JobsTable

/**
 * Schedules `kind` for `ref` at `runAt`. If that job is already queued it runs at the earlier
 * time; if a worker holds it right now, it takes the new time, which tells `finish` to run it again.
 */
export async function enqueue(db: DbOrTrx, job: { kind: JobKind; ref: string; runAt: number }): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: newId('job'),
      kind: job.kind,
      ref: job.ref,
      run_at: job.runAt,
      attempts: 0,
      locked_until: null,
      last_error: null,
      created_at: job.runAt,
    })
    .onConflict((oc) =>
      oc.columns(['kind', 'ref']).doUpdateSet({
        run_at: sql`case when jobs.locked_until is null and jobs.run_at < ${job.runAt} then jobs.run_at else ${job.runAt} end`,
      }),
    )
    .execute()
}

/**
 * Takes the next due job, holding it until `now + leaseMs`. A conditional UPDATE decides who
 * gets it (on PostgreSQL, SKIP LOCKED keeps concurrent workers from queueing on one row).
 */
export async function claimNext(db: Db, dialect: Dialect, now: number, leaseMs: number): Promise<Job | undefined> {
  return claimQuery(db, dialect, now, leaseMs).executeTakeFirst()
}

/**
 * The claim: the first row of `jobs_by_run_at` that is due and free, so its cost does not grow
 * with the jobs waiting for later (exported for the plan checks in test/job-queue.test.ts).
 */
export function claimQuery(db: Db, dialect: Dialect, now: number, leaseMs: number) {
  const due = db
    .selectFrom('jobs')
    .select('id')
    .where('run_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('run_at')
    .limit(1)
  return db
    .updateTable('jobs')
    .set({ locked_until: now + leaseMs, attempts: sql`attempts + 1` })
    .where('id', '=', dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .returningAll()
}

/** Removes a finished job, unless it was re-enqueued while it ran (then it runs again). */
export async function finish(db: DbOrTrx, job: Job): Promise<void> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', '=', job.id)
    .where('run_at', '=', job.run_at)
    .executeTakeFirst()
  if (result.numDeletedRows === 0n)
    await db.updateTable('jobs').set({ locked_until: null, attempts: 0 }).where('id', '=', job.id).execute()
}

export async function retryAt(db: DbOrTrx, job: Job, runAt: number, error: string | null): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ run_at: runAt, locked_until: null, last_error: error === null ? null : error.slice(0, 2000) })
    .where('id', '=', job.id)
    .execute()
}

/**
 * When the next job becomes claimable (due, and not held by a live lease), so an idle worker can
 * sleep until then; null when the table is empty.
 */
export async function nextRunAt(db: Db): Promise<number | null> {
  const row = await nextRunAtQuery(db).executeTakeFirst()
  const times = [row?.unheld, row?.held].filter((at) => at != null).map(Number)
  return times.length === 0 ? null : Math.min(...times)
}

/**
 * Two index reads in one statement, whatever the table holds: the first unheld job in
 * `jobs_by_run_at` order, and over the few held jobs (`jobs_held`) when each can run again (its
 * lease end, or its run_at if it was re-enqueued for later while it ran).
 */
export function nextRunAtQuery(db: Db) {
  return db.selectNoFrom((eb) => [
    eb
      .selectFrom('jobs')
      .select('run_at')
      .where('locked_until', 'is', null)
      .orderBy('run_at')
      .limit(1)
      .$asScalar()
      .as('unheld'),
    eb
      .selectFrom('jobs')
      .select(sql<number | null>`min(case when locked_until > run_at then locked_until else run_at end)`.as('held'))
      .where('locked_until', 'is not', null)
      .$asScalar()
      .as('held'),
  ])
}
