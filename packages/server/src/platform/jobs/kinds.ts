// The job catalogue: every kind of job sx runs, in one list. `enqueue` takes a `JobKind` and the
// runner takes a handler for every kind (`JobHandlers`), so a kind that is scheduled but has no
// handler does not compile. Each job carries the id it works on (`ref`); handlers re-read state
// and are idempotent. The handlers live with their modules and are assembled in `src/worker.ts`.
export const JOB_KINDS = [
  /** ref = order id; at expires_at, fail an unpaid order and release its stock (orders). */
  'order.expire',
  /** ref = order id; deliver every line that is still pending (orders). */
  'order.deliver',
  /** ref = mail id; render (order mails) and send one stored mail, notices included (platform/mail, run by orders). */
  'mail.send',
  /** ref = order id of the current subscription period; create and email the renewal invoice (delivery schedules, orders runs). */
  'subscription.renew',
  /** ref = refund id; send a refund and follow it to an outcome (refunds). */
  'refund.send',
  /** ref = payout id; send a payout and follow it to an outcome (payouts). */
  'payout.send',
  /** ref = chain; sweep deposit addresses into the treasury, keeps itself scheduled (treasury). */
  'treasury.sweep',
  /** ref = chain name; scan the chain for payments to live invoices and reschedule itself (watcher). */
  'chain.watch',
  /** ref = 'retention'; the periodic purge that keeps itself scheduled (src/housekeeping.ts). */
  'housekeeping',
] as const

export type JobKind = (typeof JOB_KINDS)[number]
