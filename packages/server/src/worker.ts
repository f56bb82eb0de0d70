// The background worker: every job kind and its handler, in one list, and the webhook
// dispatcher. `sx serve` runs it in process (unless SX_WORKER=off); `sx worker` runs it alone.
// Any number can share one database.
import type { Services } from './services.ts'
import { createJobRunner } from './platform/jobs/runner.ts'
import { orderJobHandlers } from './modules/orders/index.ts'
import { createWebhookDispatcher } from './modules/webhooks/index.ts'
import { refundJobHandlers } from './modules/refunds/index.ts'
import { payoutJobHandlers } from './modules/payouts/index.ts'

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

export function createWorker(services: Services, log: (error: unknown, context: object) => void): Worker {
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
  const dispatcher = createWebhookDispatcher(services, (error) => log(error, { job: 'webhooks' }))
  services.jobs.onNudge(() => {
    runner.nudge()
    dispatcher.nudge()
  })
  return {
    start() {
      runner.start()
      dispatcher.start()
    },
    async stop() {
      await Promise.all([runner.stop(), dispatcher.stop()])
    },
    async drain() {
      let total = 0
      for (let round = 1; ; round++) {
        if (round > MAX_DRAIN_ROUNDS) throw new Error(`worker drain went round ${MAX_DRAIN_ROUNDS} times without running out of work`)
        const done = (await runner.drain()) + (await dispatcher.drain())
        if (done === 0) return total
        total += done
      }
    },
  }
}

export function startWorker(services: Services, log: (error: unknown, context: object) => void): Worker {
  const worker = createWorker(services, log)
  worker.start()
  return worker
}
