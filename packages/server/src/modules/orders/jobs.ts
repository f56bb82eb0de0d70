// The background jobs orders schedule. Each carries the id it works on (`ref`); handlers re-read
// state and are idempotent. `src/worker.ts` maps the kinds to their handlers;
// the kinds themselves are in the catalogue, `platform/jobs/kinds.ts`.
import { RENEWAL_JOB } from '../delivery/index.ts'
import type { JobKind } from '../../platform/jobs/kinds.ts'

export const JOBS = {
  /** ref = order id; at expires_at, fail an unpaid order and release its stock. */
  expire: 'order.expire',
  /** ref = order id; deliver every line that is still pending. */
  deliver: 'order.deliver',
  /** ref = order id of the current subscription period; create and email the renewal invoice. */
  renew: RENEWAL_JOB,
} as const satisfies Record<string, JobKind>

export type OrderJobKind = (typeof JOBS)[keyof typeof JOBS]
