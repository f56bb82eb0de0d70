// How workers hear of new work. The database layer reports the inserts of every commit
// (db/watched-dialect.ts); a commit that queued a job or recorded an event becomes a notice:
// this process's worker and webhook dispatcher hear it at once, and on PostgreSQL it is sent with
// NOTIFY, after the commit (pg_notify inside the transaction serialises commits on a global lock),
// to the workers of other processes, which LISTEN on one connection and otherwise sleep until
// their next due time. A job due after every worker's next look anyway (an unpaid order's expiry,
// 30 min out) wakes nobody.
import { sql } from 'kysely'
import type { CommittedInserts } from '../../db/watched-dialect.ts'
import type { Db, Dialect } from '../../db/database.ts'

/** `jobsDueAt`: the earliest run_at of the jobs queued (null: none); `events`: events were recorded. */
export type WorkNotice = { jobsDueAt: number | null; events: boolean }

export const WORK_CHANNEL = 'sx_work'

export type WorkSignal = {
  /** Wakes this process's worker now (a test that moved a job's time by hand). */
  nudge(): void
  /** Hears each notice of this process's commits; the worker adds those of other processes (PostgreSQL). */
  onNotice(listener: (notice: WorkNotice) => void): void
  /** This process's mark in NOTIFY payloads, so its own worker does not hear its commits twice. */
  readonly sender: string
}

/**
 * The signal of one process over its connection. On PostgreSQL a notice whose jobs come due
 * within `horizonMs` (JOB_LISTEN_POLL_MS: the longest any idle worker waits) or that has events is
 * sent with NOTIFY; one at a time, and notices meanwhile fold into the next, so a busy process
 * sends far fewer than it commits.
 */
export function createWorkSignal(options: {
  connection: { db: Db; dialect: Dialect; onCommitted(listener: (inserts: CommittedInserts) => void): void }
  now: () => number
  horizonMs: number
}): WorkSignal {
  const { connection, now, horizonMs } = options
  const listeners: ((notice: WorkNotice) => void)[] = []
  const sender = Math.random().toString(36).slice(2, 10)
  let unsent: WorkNotice | null = null
  let sending = false

  async function send(): Promise<void> {
    sending = true
    while (unsent) {
      const notice = unsent
      unsent = null
      // Lost if the database is away: workers look again at their next due time or poll anyway.
      await sql`select pg_notify(${WORK_CHANNEL}, ${encodeNotice(sender, notice)})`
        .execute(connection.db)
        .catch(() => {})
    }
    sending = false
  }

  connection.onCommitted((inserts) => {
    const notice = noticeOf(inserts)
    if (!notice) return
    for (const listener of listeners) listener(notice)
    if (connection.dialect !== 'postgres') return
    const jobsDueAt = notice.jobsDueAt !== null && notice.jobsDueAt < now() + horizonMs ? notice.jobsDueAt : null
    if (jobsDueAt === null && !notice.events) return
    unsent = mergeNotices(unsent, { jobsDueAt, events: notice.events })
    if (!sending) void send()
  })

  return {
    nudge: () => listeners.forEach((listener) => listener({ jobsDueAt: 0, events: true })),
    onNotice: (listener) => void listeners.push(listener),
    sender,
  }
}

/** What a commit's inserts queued for the worker, or null when nothing (most commits of a busy shop). */
export function noticeOf(inserts: CommittedInserts): WorkNotice | null {
  const jobs = inserts.has('jobs')
  const events = inserts.has('events')
  if (!jobs && !events) return null
  return { jobsDueAt: jobs ? (inserts.get('jobs') ?? 0) : null, events }
}

export function mergeNotices(a: WorkNotice | null, b: WorkNotice): WorkNotice {
  if (!a) return b
  const due = [a.jobsDueAt, b.jobsDueAt].filter((at) => at !== null)
  return { jobsDueAt: due.length === 0 ? null : Math.min(...due), events: a.events || b.events }
}

/** `<sender> <jobsDueAt or -> <0|1>`: short, and NOTIFY payloads are text. */
export function encodeNotice(sender: string, notice: WorkNotice): string {
  return `${sender} ${notice.jobsDueAt ?? '-'} ${notice.events ? 1 : 0}`
}

/** The notice in a payload, or null for one from `ownSender` (already heard in process) or one it cannot read. */
export function decodeNotice(payload: string, ownSender: string): WorkNotice | null {
  const [sender, due, events] = payload.split(' ')
  if (sender === ownSender || due === undefined || events === undefined) return null
  const jobsDueAt = due === '-' ? null : Number(due)
  if (jobsDueAt !== null && !Number.isFinite(jobsDueAt)) return null
  return { jobsDueAt, events: events === '1' }
}
