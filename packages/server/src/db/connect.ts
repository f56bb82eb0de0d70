// Opens the database named by DATABASE_URL: SQLite (better-sqlite3) or PostgreSQL (pg).
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely'
import type { Database, Db, Dialect } from './database.ts'
import { isDatabaseUnavailable } from './errors.ts'
import { nameHotStatements } from './named-statements.ts'
import { WatchedDialect, type CommittedInserts } from './watched-dialect.ts'

export type Connection = {
  db: Db
  dialect: Dialect
  /** What it was opened with (a PostgreSQL listener opens its own connection to it). */
  url: string
  /**
   * Hears which tables each transaction inserted into once it committed (of a statement outside
   * one, once it ran): how new jobs and events are announced to workers (platform/jobs/notices.ts).
   */
  onCommitted(listener: (inserts: CommittedInserts) => void): void
}

export type ConnectOptions = {
  /** Hears every statement sent, transaction control included (tests count an idle process's). */
  onQuery?: (sql: string) => void
}

// Timestamps are epoch-ms BIGINTs; they fit a JS number, so parse them as numbers, not strings.
const PG_INT8 = 20
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
}

export function connect(url: string, options: ConnectOptions = {}): Connection {
  const listeners: ((inserts: CommittedInserts) => void)[] = []
  const watch = {
    onQuery: options.onQuery,
    onCommitted: (inserts: CommittedInserts) => listeners.forEach((listener) => listener(inserts)),
  }
  const onCommitted = (listener: (inserts: CommittedInserts) => void) => void listeners.push(listener)
  if (url.startsWith('sqlite:')) {
    const dialect = new WatchedDialect(sqliteDialect(url.slice('sqlite:'.length)), watch)
    return { db: new Kysely<Database>({ dialect }), dialect: 'sqlite', url, onCommitted }
  }
  // maxUses recycles a connection now and then, which also drops the statements it has named.
  const pool = new pg.Pool({ connectionString: url, max: 10, maxUses: 10_000, types: pgTypes })
  // An idle connection the server closes (restart, failover, admin kill) is reported here; pg drops
  // it from the pool and the next query opens a new one. Without a listener the process would crash.
  pool.on('error', () => {})
  pool.on('connect', (client) => {
    // The same for a connection lost while checked out: its query fails with the error, and the
    // pool drops it when it is handed back.
    client.on('error', () => {})
    nameHotStatements(client)
  })
  const dialect = new WatchedDialect(new PostgresDialect({ pool }), watch)
  return { db: new Kysely<Database>({ dialect }), dialect: 'postgres', url, onCommitted }
}

/** The commands could not open or reach their database; the CLI prints the message as one line. */
export class DatabaseUnreachableError extends Error {}

// A database starting next to sx (a container, a restart) refuses connections for a moment.
const START_RETRY_DELAYS_MS = [500, 1000, 2000]
const TRANSIENT_NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/**
 * What every command opens its database with: connects and runs one query, retrying a refused or
 * dropped connection a few times (about 3.5 s in all). Anything else, or still no answer, is a
 * DatabaseUnreachableError naming the database (never its password) and the reason.
 */
export async function openDatabase(
  url: string,
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
): Promise<Connection> {
  let connection: Connection
  try {
    connection = connect(url)
  } catch (error) {
    throw new DatabaseUnreachableError(`cannot open the database at ${describeDatabaseUrl(url)}: ${reasonOf(error)}`)
  }
  for (let attempt = 0; ; attempt++) {
    try {
      await sql`select 1`.execute(connection.db)
      return connection
    } catch (error) {
      const transient =
        isDatabaseUnavailable(error) || TRANSIENT_NETWORK_CODES.has(String((error as { code?: unknown }).code))
      if (transient && attempt < START_RETRY_DELAYS_MS.length) {
        await sleep(START_RETRY_DELAYS_MS[attempt]!)
        continue
      }
      await connection.db.destroy().catch(() => {})
      const tries = attempt > 0 ? ` (tried ${attempt + 1} times)` : ''
      throw new DatabaseUnreachableError(
        `cannot reach the database at ${describeDatabaseUrl(url)}: ${reasonOf(error)}${tries}`,
      )
    }
  }
}

/** The database's address without credentials: `postgres://host:port/name`, or the SQLite path. */
export function describeDatabaseUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length) || ':memory:'
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  } catch {
    return 'DATABASE_URL'
  }
}

function reasonOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  // Node reports a refused connection to a name with several addresses as an AggregateError without a message.
  return String(message ?? '').split('\n')[0] || String(code ?? error)
}

function sqliteDialect(path: string): SqliteDialect {
  const isMemory = path === ':memory:' || path === ''
  if (!isMemory) mkdirSync(dirname(resolve(path)), { recursive: true })
  const database = new SqliteDatabase(isMemory ? ':memory:' : path)
  // Another process (a second `sx serve` or `sx worker`) may hold the write lock briefly.
  database.pragma('busy_timeout = 5000')
  switchToWal(database)
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  return new ImmediateSqliteDialect({ database: withStatementCache(database) })
}

/**
 * WAL is a property of the file, set by whoever opens it first. Switching needs an exclusive lock
 * that SQLite does not wait for, so two processes opening a new file at once retry briefly.
 */
function switchToWal(database: SqliteDatabase.Database): void {
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (let attempt = 1; ; attempt++) {
    try {
      database.pragma('journal_mode = WAL')
      return
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= 100) throw error
      Atomics.wait(pause, 0, 0, 20) // a synchronous 20 ms pause: connect() runs once, at start-up
    }
  }
}

const CACHED_STATEMENTS = 200
const CACHED_SQL_MAX_CHARS = 4000

/**
 * Kysely's SQLite driver calls prepare() for every query, and better-sqlite3 compiles the SQL each
 * time (about an eighth of a product list request's CPU). Query shapes repeat, so compiled
 * statements are kept by SQL text. Safe because kysely runs one query at a time on this single
 * connection; bulk inserts (long, one-off SQL) are not kept.
 */
function withStatementCache(database: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => database.close(),
    prepare(sql: string) {
      const cached = cache.get(sql)
      if (cached) return cached
      const statement = database.prepare(sql)
      if (sql.length <= CACHED_SQL_MAX_CHARS) {
        if (cache.size >= CACHED_STATEMENTS) cache.delete(cache.keys().next().value!)
        cache.set(sql, statement)
      }
      return statement
    },
  }
}

/**
 * Transactions start with BEGIN IMMEDIATE: they take SQLite's write lock up front and wait for it
 * (busy_timeout). With plain BEGIN, a transaction that reads and then writes while another
 * process (a second `sx serve`, a worker, a migrator) has written meanwhile fails at once with
 * SQLITE_BUSY. Inside one process Kysely runs one transaction at a time anyway.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings)
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings)
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}
