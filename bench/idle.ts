// `idle_queries`: what an idle sx (serve + worker in process, no traffic) asks of its database.
// PostgreSQL (judged): the server's own count for the bench database — pg_stat_statements calls if
// the extension is loaded, else pg_stat_database's xact_commit + xact_rollback — read from a
// connection to the admin database, so the measuring queries are not in it. Both dialects: the
// statements sx's driver sent, counted by wrapping the driver in this process (src has no query
// hook): better-sqlite3's Statement run/get/all/iterate on sx's file, pg's Client#query on its database.
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import { startSx, workerErrors, type Run } from './lib/boot.ts'
import { admin, type BenchDatabase } from './lib/databases.ts'
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
    const sx = await startSx(dialect, { worker: errors })
    try {
      await sleep(SETTLE_MS[dialect])
      const count = countStatements(sx.database)
      const server = dialect === 'postgres' ? await serverCounter(sx.database.name) : null
      const before = await server?.read()
      const started = performance.now()
      await sleep(IDLE_SECONDS * 1000)
      const seconds = (performance.now() - started) / 1000
      const after = await server?.read()
      const sent = count.stop()
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

/** Counts what sx's driver sends to `database` from now until stop() (which unwraps the driver). */
function countStatements(database: BenchDatabase): { stop(): number } {
  let count = 0
  if (database.dialect === 'sqlite') {
    const probe = new SqliteDatabase(':memory:')
    const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>
    probe.close()
    const names = ['run', 'get', 'all', 'iterate']
    const originals = names.map((name) => proto[name] as (...args: unknown[]) => unknown)
    names.forEach((name, i) => {
      proto[name] = function (this: { database: { name: string } }, ...args: unknown[]) {
        if (this.database.name === database.name) count++
        return originals[i]!.apply(this, args)
      }
    })
    return {
      stop: () => {
        names.forEach((name, i) => (proto[name] = originals[i]))
        return count
      },
    }
  }
  const proto = pg.Client.prototype as unknown as Record<string, unknown>
  const original = proto.query as (...args: unknown[]) => unknown
  proto.query = function (this: { database?: string }, ...args: unknown[]) {
    if (this.database === database.name) count++
    return original.apply(this, args)
  }
  return {
    stop: () => {
      proto.query = original
      return count
    },
  }
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
