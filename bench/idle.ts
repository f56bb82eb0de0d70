// `idle_queries`: what an idle sx (serve + worker in process, no traffic) asks of its database.
// PostgreSQL (judged): the server's own count for the bench database — pg_stat_statements calls if
// the extension is loaded, else pg_stat_database's xact_commit + xact_rollback — read from a
// connection to the admin database, so the measuring queries are not in it. Both dialects: the
// statements sx sent through its database connection (connect's onQuery hook; on PostgreSQL the
// worker's LISTEN connection is apart, and only in the server's count).
import { startSx, workerErrors, type Run } from './lib/boot.ts'
import { admin } from './lib/databases.ts'
import { round } from './lib/drive.ts'

const IDLE_SECONDS = 10
/**
 * Before counting: the start-up's queries must be over, and on PostgreSQL a backend that was busy
 * less than a second before going idle reports its counts up to 10 s later (PGSTAT_IDLE_INTERVAL).
 */
const SETTLE_MS = { sqlite: 3000, postgres: 11_000 }

export const IDLE_QUERIES: Run = {
  name: 'idle_queries',
  what: `a fresh sx with its worker in process and no traffic: statements per second over ${IDLE_SECONDS} s`,
  run: async ({ dialect }) => {
    const errors = workerErrors('idle_queries')
    let counting = false
    let sent = 0
    const sx = await startSx(dialect, { worker: errors, onQuery: () => void (counting && sent++) })
    try {
      await sleep(SETTLE_MS[dialect])
      counting = true
      const server = dialect === 'postgres' ? await serverCounter(sx.database.name) : null
      const before = await server?.read()
      const started = performance.now()
      await sleep(IDLE_SECONDS * 1000)
      const seconds = (performance.now() - started) / 1000
      const after = await server?.read()
      counting = false
      errors.check()
      return {
        seconds: round(seconds),
        driver_statements: sent,
        driver_statements_per_s: round(sent / seconds),
        server_source: server?.source ?? 'n/a',
        server_count: server ? after! - before! : 'n/a',
        server_per_s: server ? round((after! - before!) / seconds) : 'n/a',
      }
    } finally {
      await sx.close()
    }
  },
}

/** The server's statement (or transaction) count for one database, read from the admin database. */
async function serverCounter(name: string): Promise<{ source: string; read(): Promise<number> }> {
  const statements = `select coalesce(sum(s.calls), 0)::bigint as n from pg_stat_statements s
    join pg_database d on d.oid = s.dbid where d.datname = $1`
  const transactions = 'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1'
  const query = (text: string) => admin(async (client) => Number((await client.query(text, [name])).rows[0]?.n ?? 0))
  const hasStatements = await query(statements).then(
    () => true,
    () => false, // not installed here, or not in shared_preload_libraries
  )
  const text = hasStatements ? statements : transactions
  return {
    source: hasStatements ? 'pg_stat_statements calls' : 'pg_stat_database xact_commit + xact_rollback',
    read: () => query(text),
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
