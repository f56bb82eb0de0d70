// The background worker: every job kind and its handler, in one list, and the webhook
// dispatcher. `sx serve` runs it in process (unless SX_WORKER=off); `sx worker` runs it alone.
// Any number can share one database.
import type { Services } from './services.ts'
import { createJobRunner, MAX_OUTAGE_BACKOFF_MS } from './platform/jobs/runner.ts'
import { createOutage, describeOutage } from './platform/jobs/outage.ts'
import { orderJobHandlers } from './modules/orders/index.ts'
import { createWebhookDispatcher } from './modules/webhooks/index.ts'
import { refundJobHandlers } from './modules/refunds/index.ts'
import { payoutJobHandlers } from './modules/payouts/index.ts'
import { HOUSEKEEPING_JOB, housekeepingHandlers, scheduleHousekeeping } from './housekeeping.ts'

export type Worker = { stop(): Promise<void> }

/**
 * `log` hears of each failed job; `notice` gets one line when the job queue (the database) becomes
 * unreachable and one when it answers again, while both loops back off in between.
 */
export function startWorker(services: Services, log: (error: unknown, context: object) => void, notice: (message: string) => void = (message) => console.error(message)): Worker {
  const outage = createOutage({
    baseMs: services.config.jobs.pollMs, maxMs: MAX_OUTAGE_BACKOFF_MS, now: () => services.clock.now(),
    report: (change) => notice(describeOutage(change)),
  })
  const runner = createJobRunner({
    db: services.db,
    dialect: services.dialect,
    clock: services.clock,
    handlers: { ...orderJobHandlers(services), ...refundJobHandlers(services), ...payoutJobHandlers(services), ...housekeepingHandlers(services) },
    pollMs: services.config.jobs.pollMs,
    leaseMs: services.config.jobs.leaseMs,
    concurrency: services.config.jobs.concurrency,
    onError: (error, job) => log(error, { job: job.kind, ref: job.ref }),
    outage,
  })
  const dispatcher = createWebhookDispatcher(services, (error) => log(error, { job: 'webhooks' }), outage)
  services.jobs.onNudge(() => {
    runner.nudge()
    dispatcher.nudge()
  })
  runner.start()
  dispatcher.start()
  const scheduled = scheduleHousekeeping(services).catch((error) => log(error, { job: HOUSEKEEPING_JOB }))
  return {
    async stop() {
      await Promise.all([runner.stop(), dispatcher.stop(), scheduled])
    },
  }
}
