// The housekeeping job: deletes what sx keeps for a limited time — idempotency records after 24 h,
// dashboard sessions past their absolute lifetime and expired password-reset tokens,
// events after EVENTS_RETENTION_DAYS, the webhook attempt log and finished send-queue rows after
// WEBHOOK_DELIVERIES_RETENTION_DAYS (0 keeps them for ever). One job (kind, ref unique) that
// reschedules itself: hourly, or at once while a purge still has more than a run may delete. Each
// statement deletes a bounded batch, so no run holds a lock long or grows one transaction huge.
import type { Services } from './services.ts'
import { enqueue } from './platform/jobs/queue.ts'
import type { JobKind } from './platform/jobs/kinds.ts'
import type { JobHandlers, JobOutcome } from './platform/jobs/runner.ts'
import { IDEMPOTENCY_TTL_MS, purgeIdempotencyKeys } from './platform/http/idempotency.ts'
import { purgeEvents } from './platform/outbox/outbox.ts'
import { purgeWebhookHistory } from './modules/webhooks/index.ts'
import { purgeEndedSessions, purgeExpiredResets } from './modules/sessions/index.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'config' | 'db' | 'clock'>

export const HOUSEKEEPING_JOB = 'housekeeping' satisfies JobKind
const REF = 'retention'
export const HOUSEKEEPING_EVERY_MS = 3_600_000
const DAY_MS = 86_400_000

export type HousekeepingLimits = { batchRows: number; batchesPerRun: number }
const LIMITS: HousekeepingLimits = { batchRows: 1000, batchesPerRun: 20 }

export function housekeepingHandlers(
  services: Deps,
  limits: HousekeepingLimits = LIMITS,
): JobHandlers<typeof HOUSEKEEPING_JOB> {
  return { [HOUSEKEEPING_JOB]: () => runHousekeeping(services, limits) }
}

/** Makes the job due now (a worker starting up purges at once); it then keeps itself scheduled. */
export async function scheduleHousekeeping(services: Deps): Promise<void> {
  await enqueue(services.db, { kind: HOUSEKEEPING_JOB, ref: REF, runAt: services.clock.now() })
}

export async function runHousekeeping(services: Deps, limits: HousekeepingLimits = LIMITS): Promise<JobOutcome> {
  const { db, clock, config } = services
  const now = clock.now()
  const purges: ((limit: number) => Promise<number>)[] = [
    (limit) => purgeIdempotencyKeys(db, now - IDEMPOTENCY_TTL_MS, limit),
    (limit) => purgeEndedSessions(db, now - config.sessions.absoluteMs, limit),
    (limit) => purgeExpiredResets(db, now, limit),
  ]
  if (config.retention.eventsDays > 0)
    purges.push((limit) => purgeEvents(db, now - config.retention.eventsDays * DAY_MS, limit))
  if (config.retention.webhookDeliveriesDays > 0)
    purges.push((limit) => purgeWebhookHistory(db, now - config.retention.webhookDeliveriesDays * DAY_MS, limit))
  let unfinished = false
  for (const purge of purges) {
    let batches = 0
    while ((await purge(limits.batchRows)) >= limits.batchRows) {
      if (++batches >= limits.batchesPerRun) {
        unfinished = true
        break
      }
    }
  }
  // Unfinished: run again right away, after whatever else is due (other jobs are not held up).
  return { retryAt: unfinished ? now : now + HOUSEKEEPING_EVERY_MS }
}
