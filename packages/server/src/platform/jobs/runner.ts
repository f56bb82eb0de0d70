// The worker loop: claims due jobs and runs their handlers, a few at a time. A handler that
// throws is retried with backoff; one that returns `{ retryAt }` chooses its own next attempt.
// A crashed worker's jobs are taken over once their lease passes. While the queue itself cannot
// be read (the database is down) the loop backs off and reports the outage once (outage.ts).
import type { Db, Dialect } from '../../db/database.ts'
import type { Clock } from '../clock.ts'
import type { JobKind } from './kinds.ts'
import { createOutage, describeOutage, type Outage } from './outage.ts'
import { claimNext, finish, nextRunAt, retryAt, type Job } from './queue.ts'
import { createWakeableSleep, type WakeableSleep } from './wakeable-sleep.ts'

/** Nothing: done. `retryAt`: run again then (`error` says why; a periodic job that reschedules itself gives none). */
export type JobOutcome = void | { retryAt: number; error?: string }
export type JobHandler = (job: Job) => Promise<JobOutcome>
/** A handler per kind: the runner takes them all (`JobHandlers`), a module gives its own (`JobHandlers<'refund.send'>`). */
export type JobHandlers<K extends JobKind = JobKind> = Record<K, JobHandler>

export type JobRunner = {
  start(): void
  /** A job comes due at `dueAt` (default now): an idle worker sleeping past then looks at that time instead. */
  nudge(dueAt?: number): void
  /** Stops claiming and waits for running jobs to finish. */
  stop(): Promise<void>
  /**
   * Runs every job due at the clock's current time, one after another (jobs they enqueue too, when
   * due), and waits for the ones the loop is running; answers how many jobs finished meanwhile.
   * Works whether or not the loop was started: tests step a manual clock and drain instead of sleeping.
   */
  drain(): Promise<number>
}

type RunnerOptions = {
  db: Db
  dialect: Dialect
  clock: Clock
  handlers: JobHandlers
  pollMs: number
  /** Longest idle wait when nothing is due sooner (default pollMs; PostgreSQL workers hear new jobs by LISTEN and wait longer). */
  idleMs?: number
  leaseMs: number
  concurrency: number
  onError: (error: unknown, job: Job) => void
  /** Shared with the webhook dispatcher, so one outage is one line; default: reported through onError. */
  outage?: Outage
  /** Tests pass their own sleep to count turns without waiting. */
  sleep?: WakeableSleep
}

const MAX_BACKOFF_MS = 3_600_000
/** Longest wait between looks at an unreachable queue. */
export const MAX_OUTAGE_BACKOFF_MS = 10_000
/** A drain that claims this many jobs has met a job that keeps rescheduling itself at the current time. */
const MAX_DRAIN_CLAIMS = 10_000

export function createJobRunner(options: RunnerOptions): JobRunner {
  const { db, dialect, clock, handlers, pollMs, leaseMs, concurrency, onError } = options
  const idleMs = options.idleMs ?? pollMs
  let running = false
  let active = 0
  const { sleep, wake } = options.sleep ?? createWakeableSleep(() => clock.now())
  const outage =
    options.outage ??
    createOutage({
      baseMs: pollMs,
      maxMs: MAX_OUTAGE_BACKOFF_MS,
      now: () => clock.now(),
      report: (change) => onError(new Error(describeOutage(change)), { kind: 'queue' } as Job),
    })
  const inFlight = new Set<Promise<void>>()
  /** The loop's claim in progress: a job it takes is in neither the table's due set nor `inFlight` until it resolves. */
  let claiming: Promise<unknown> | null = null
  /** Jobs finished by this runner so far (the loop's and drains'), so a drain can tell whether anything ran meanwhile. */
  let finished = 0

  async function runOne(job: Job): Promise<void> {
    // The table may hold a kind this build no longer knows (a row left by an older version).
    const handler = (handlers as Partial<Record<string, JobHandler>>)[job.kind]
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`)
      const outcome = await handler(job)
      if (outcome) await retryAt(db, job, outcome.retryAt, outcome.error ?? null)
      else await finish(db, job)
    } catch (error) {
      onError(error, job)
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(job.attempts, 20))
      await retryAt(db, job, clock.now() + backoff, error instanceof Error ? error.message : String(error)).catch(
        () => {},
      )
    }
  }

  function track(job: Job): Promise<void> {
    active++
    const work = runOne(job).finally(() => {
      active--
      finished++
      inFlight.delete(work)
      wake()
    })
    inFlight.add(work)
    return work
  }

  async function loop(): Promise<void> {
    while (running) {
      let claimed: Job | undefined
      if (active < concurrency) {
        const claim = claimNext(db, dialect, clock.now(), leaseMs)
        claiming = claim
        try {
          claimed = await claim
          outage.succeeded()
        } catch (error) {
          await sleep(outage.failed(error))
          continue
        } finally {
          claiming = null
        }
        if (claimed) track(claimed)
      }
      if (claimed) continue
      await sleep(active >= concurrency ? pollMs : await idleDelay())
    }
  }

  async function drain(): Promise<number> {
    const finishedBefore = finished
    for (let claims = 0; ;) {
      const finishedAtLook = finished
      const job = await claimNext(db, dialect, clock.now(), leaseMs)
      if (job) {
        if (++claims > MAX_DRAIN_CLAIMS)
          throw new Error(
            `drain claimed ${MAX_DRAIN_CLAIMS} jobs without running out: ${job.kind} ${job.ref} keeps coming due`,
          )
        await track(job)
        continue
      }
      // Nothing due: done once the loop holds nothing either, and nothing it ran while we looked
      // (a finished job may have enqueued another that is due now).
      if (claiming === null && inFlight.size === 0 && finished === finishedAtLook) return finished - finishedBefore
      await Promise.allSettled([claiming, ...inFlight])
    }
  }

  /** Until the next job is due (an index read, whatever the table holds), at most idleMs. */
  async function idleDelay(): Promise<number> {
    let next: number | null
    try {
      next = await nextRunAt(db)
    } catch {
      return pollMs
    }
    if (next === null) return idleMs
    return Math.max(5, Math.min(idleMs, next - clock.now()))
  }

  let loopDone: Promise<void> = Promise.resolve()
  return {
    start() {
      if (running) return
      running = true
      loopDone = loop()
    },
    nudge: (dueAt) => wake(dueAt),
    async stop() {
      running = false
      wake()
      await loopDone
      await Promise.allSettled([...inFlight])
    },
    drain,
  }
}
