// The background worker: a handler for every job kind of the catalogue (platform/jobs/kinds.ts),
// and the webhook dispatcher. `sx serve` runs it in process (unless SX_WORKER=off); `sx worker` runs it alone.
// Any number can share one database.
import type { Services } from './services.ts'
import { createJobRunner, MAX_OUTAGE_BACKOFF_MS, type JobHandlers } from './platform/jobs/runner.ts'
import { createOutage, describeOutage } from './platform/jobs/outage.ts'
import { orderJobHandlers, orderMailRenderer } from './modules/orders/index.ts'
import { MAIL_JOB } from './platform/mail/outbox.ts'
import { sendMail } from './platform/mail/send.job.ts'
import { createWebhookDispatcher } from './modules/webhooks/index.ts'
import { refundJobHandlers } from './modules/refunds/index.ts'
import { payoutJobHandlers } from './modules/payouts/index.ts'
import { scheduleSweeps, SWEEP_JOB, sweepJobHandlers } from './modules/treasury/index.ts'
import { HOUSEKEEPING_JOB, housekeepingHandlers, scheduleHousekeeping } from './housekeeping.ts'
import { scheduleWatchers, watchJobHandlers } from './modules/watcher/index.ts'
import { listen, type Listener } from './db/listen.ts'
import { decodeNotice, WORK_CHANNEL, type WorkNotice } from './platform/jobs/notices.ts'

export type Worker = {
  start(): void
  stop(): Promise<void>
  /**
   * Runs jobs and webhook sends until nothing is due at the clock's current time and every send
   * is answered and recorded (jobs can write events to send, and sends can queue mail, so it goes
   * round until a round finds nothing). Answers how much happened. Tests step a manual clock and
   * drain instead of sleeping; it works whether or not the worker was started.
   */
  drain(): Promise<number>
}

/** A drain that goes round this often has met work that keeps coming due at the current time. */
const MAX_DRAIN_ROUNDS = 1000

type WorkerLog = (error: unknown, context: object) => void
type Notice = (message: string) => void

/**
 * `log` hears of each failed job; `notice` gets one line when the job queue (the database) becomes
 * unreachable and one when it answers again, while both loops back off in between.
 */
export function createWorker(
  services: Services,
  log: WorkerLog,
  notice: Notice = (message) => console.error(message),
): Worker {
  const outage = createOutage({
    baseMs: services.config.jobs.pollMs,
    maxMs: MAX_OUTAGE_BACKOFF_MS,
    now: () => services.clock.now(),
    report: (change) => notice(describeOutage(change)),
  })
  const { config } = services
  const runner = createJobRunner({
    db: services.db,
    dialect: services.dialect,
    clock: services.clock,
    handlers: jobHandlers(services),
    pollMs: config.jobs.pollMs,
    // On PostgreSQL new jobs arrive by NOTIFY; on SQLite (no LISTEN) other processes' jobs are found by polling.
    idleMs: services.dialect === 'postgres' ? config.jobs.listenPollMs : config.jobs.pollMs,
    leaseMs: services.config.jobs.leaseMs,
    concurrency: services.config.jobs.concurrency,
    onError: (error, job) => log(error, { job: job.kind, ref: job.ref }),
    outage,
  })
  const dispatcher = createWebhookDispatcher(services, (error) => log(error, { job: 'webhooks' }), outage)
  let scheduled: Promise<unknown> = Promise.resolve()
  let listener: Listener | null = null
  const hear = (notice: WorkNotice) => {
    if (notice.jobsDueAt !== null) runner.nudge(notice.jobsDueAt)
    if (notice.events) dispatcher.nudge()
  }
  services.jobs.onNotice(hear)
  return {
    start() {
      runner.start()
      dispatcher.start()
      scheduled = Promise.all([
        scheduleHousekeeping(services).catch((error) => log(error, { job: HOUSEKEEPING_JOB })),
        scheduleSweeps(services).catch((error) => log(error, { job: SWEEP_JOB })),
        scheduleWatchers(services).catch((error) => log(error, { job: 'chain.watch' })),
      ])
      // Other processes' commits, on one dedicated connection; after a reconnect, look at once
      // (notices sent while it was away are lost).
      if (services.dialect === 'postgres' && !listener)
        listener = listen(config.db.url, WORK_CHANNEL, {
          onNotice: (payload) => {
            const notice = decodeNotice(payload, services.jobs.sender)
            if (notice) hear(notice)
          },
          onConnected: () => hear({ jobsDueAt: 0, events: true }),
        })
    },
    async stop() {
      await Promise.all([runner.stop(), dispatcher.stop(), scheduled, listener?.close()])
      listener = null
    },
    async drain() {
      let total = 0
      for (let round = 1; ; round++) {
        if (round > MAX_DRAIN_ROUNDS)
          throw new Error(`worker drain went round ${MAX_DRAIN_ROUNDS} times without running out of work`)
        const done = (await runner.drain()) + (await dispatcher.drain())
        if (done === 0) return total
        total += done
      }
    },
  }
}

/**
 * Every job kind's handler. Typed as the whole catalogue (`platform/jobs/kinds.ts`): a kind added
 * there without a handler here does not compile.
 */
export function jobHandlers(services: Services): JobHandlers {
  return {
    ...orderJobHandlers(services),
    [MAIL_JOB]: (job) => sendMail(services, orderMailRenderer(services), job.ref, job.attempts),
    ...refundJobHandlers(services),
    ...payoutJobHandlers(services),
    ...sweepJobHandlers(services),
    ...housekeepingHandlers(services),
    ...watchJobHandlers(services),
  }
}

export function startWorker(services: Services, log: WorkerLog, notice?: Notice): Worker {
  const worker = createWorker(services, log, notice)
  worker.start()
  return worker
}
