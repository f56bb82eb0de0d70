// PostgreSQL LISTEN on one dedicated connection (a pooled one would be handed to queries, and a
// notification only reaches the session that listens). A dropped connection is opened again,
// with growing waits; every (re)connection is reported, since notices sent meanwhile are lost.
import pg from 'pg'

export type Listener = { close(): Promise<void> }

const RETRY_DELAYS_MS = [100, 500, 1000, 2000, 5000]

/**
 * Listens on `channel` at `url`, handing each payload to `onNotice`. `onConnected` runs once the
 * LISTEN is in place, the first time and after each reconnect (look at the queue then).
 */
export function listen(
  url: string,
  channel: string,
  handlers: { onNotice(payload: string): void; onConnected(): void },
): Listener {
  let closed = false
  let client: pg.Client | null = null
  let failures = 0
  let retry: NodeJS.Timeout | undefined

  async function open(): Promise<void> {
    if (closed) return
    const next = new pg.Client({ connectionString: url })
    client = next
    next.on('notification', (message) => {
      if (message.channel === channel) handlers.onNotice(message.payload ?? '')
    })
    next.on('error', () => reopen(next))
    next.on('end', () => reopen(next))
    try {
      await next.connect()
      await next.query(`listen ${pg.escapeIdentifier(channel)}`)
      failures = 0
      handlers.onConnected()
    } catch {
      reopen(next)
    }
  }

  function reopen(broken: pg.Client): void {
    if (closed || client !== broken) return
    client = null
    broken.end().catch(() => {})
    const wait = RETRY_DELAYS_MS[Math.min(failures++, RETRY_DELAYS_MS.length - 1)]!
    retry = setTimeout(() => void open(), wait)
  }

  void open()
  return {
    async close() {
      closed = true
      clearTimeout(retry)
      const open = client
      client = null
      await open?.end().catch(() => {})
    },
  }
}
