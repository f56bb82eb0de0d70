// While the database is unreachable, the worker's loops (the job runner, the webhook dispatcher)
// back off instead of polling at full speed, and the worker says so once when the queue goes
// away and once when it is back, instead of a stack trace per poll.
export type OutageChange = { state: 'down'; reason: string } | { state: 'up'; downForMs: number }

export type Outage = {
  /** A loop's own query failed: reports the outage if it is new and returns how long to wait. */
  failed(error: unknown): number
  /** A loop's own query worked: reports the end of an outage. */
  succeeded(): void
}

export function createOutage(options: {
  baseMs: number
  maxMs: number
  now: () => number
  report: (change: OutageChange) => void
}): Outage {
  const { baseMs, maxMs, now, report } = options
  let failures = 0
  let since = 0
  return {
    failed(error) {
      if (failures === 0) {
        since = now()
        report({ state: 'down', reason: reasonOf(error) })
      }
      failures++
      return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 20))
    },
    succeeded() {
      if (failures === 0) return
      failures = 0
      report({ state: 'up', downForMs: now() - since })
    },
  }
}

/** One line for the log: the operator needs the reason, not the driver's stack. */
export function describeOutage(change: OutageChange): string {
  return change.state === 'down'
    ? `worker: the job queue is unreachable (${change.reason}); backing off until it answers`
    : `worker: the job queue answers again after ${Math.round(change.downForMs / 1000)} s`
}

function reasonOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  return String(message ?? '').split('\n')[0] || String(code ?? error)
}
