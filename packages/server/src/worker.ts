// The background worker: every job kind and its handler, in one list. `sx serve` runs it in
// process (unless SX_WORKER=off); `sx worker` runs it alone. Any number can share one database.
import type { Services } from './services.ts'
import { createJobRunner, type JobRunner } from './platform/jobs/runner.ts'
import { orderJobHandlers } from './modules/orders/index.ts'
import { refundJobHandlers } from './modules/refunds/index.ts'
import { payoutJobHandlers } from './modules/payouts/index.ts'

export function startWorker(services: Services, log: (error: unknown, context: object) => void): JobRunner {
  const runner = createJobRunner({
    db: services.db,
    dialect: services.dialect,
    clock: services.clock,
    handlers: { ...orderJobHandlers(services), ...refundJobHandlers(services), ...payoutJobHandlers(services) },
    pollMs: services.config.jobs.pollMs,
    leaseMs: services.config.jobs.leaseMs,
    concurrency: services.config.jobs.concurrency,
    onError: (error, job) => log(error, { job: job.kind, ref: job.ref }),
  })
  services.jobs.onNudge(() => runner.nudge())
  runner.start()
  return runner
}
