// Where each row set runs: a fresh SQLite file in a temp dir, or a fresh PostgreSQL database
// (`sx_bench_<pid>_<rand>`) created on BENCH_DATABASE_URL's server and dropped afterwards. Also a
// read-only connection of the bench's own (not sx's) for audits and the database floor.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import type { Dialect } from '../../packages/server/src/db/database.ts'

export type { Dialect }

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

/** BENCH_DIALECTS (default `sqlite,postgres`: every row on both, in that order) and the PostgreSQL server to use. */
export function benchDialects(env = process.env): { dialects: Dialect[]; adminUrl: string } {
  const names = (env.BENCH_DIALECTS || 'sqlite,postgres')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const unknown = names.filter((name) => name !== 'sqlite' && name !== 'postgres')
  if (unknown.length > 0 || names.length === 0)
    throw new Error(`BENCH_DIALECTS must list sqlite and/or postgres (got "${env.BENCH_DIALECTS}")`)
  return { dialects: [...new Set(names)] as Dialect[], adminUrl: env.BENCH_DATABASE_URL || DEFAULT_DATABASE_URL }
}

let adminUrl = DEFAULT_DATABASE_URL
/** The server PostgreSQL row sets create their databases on (run.ts sets it from BENCH_DATABASE_URL). */
export function usePostgresServer(url: string): void {
  adminUrl = url
}

export type BenchDatabase = {
  dialect: Dialect
  /** DATABASE_URL for sx. */
  url: string
  /** PostgreSQL: the database's name (the stats views key on it); SQLite: the file. */
  name: string
  /** sx's data folder (master key, files): a temp dir either way. */
  dataDir: string
  drop(): Promise<void>
}

/** An empty database of its own (not migrated) and a temp data folder; drop() removes both. */
export async function createBenchDatabase(dialect: Dialect): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sx-bench-'))
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true })
  if (dialect === 'sqlite') {
    const file = join(dataDir, 'sx.db')
    return { dialect, url: `sqlite:${file}`, name: file, dataDir, drop: async () => removeDir() }
  }
  const name = `sx_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  await admin((client) => client.query(`create database ${name}`))
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    dialect,
    url: url.toString(),
    name,
    dataDir,
    drop: async () => {
      await admin((client) => client.query(`drop database if exists ${name} with (force)`))
      removeDir()
    },
  }
}

/** One short-lived connection to the server's admin database (BENCH_DATABASE_URL). */
export async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

// As sx reads them (src/db/connect.ts): epoch-ms BIGINTs and counts as numbers, not strings.
const PG_INT8 = 20
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
}

/**
 * The bench's own connection to a database (not sx's): a read-only better-sqlite3 handle on the
 * file, or a pg pool. SQL is written once with `?` placeholders (numbered for PostgreSQL here);
 * a `name` makes it a prepared statement on both (compiled once, as sx's own are).
 */
export type Reader = {
  all<T>(sql: string, params?: unknown[], name?: string): Promise<T[]>
  close(): Promise<void>
}

export function openReader(url: string, connections = 1): Reader {
  if (url.startsWith('sqlite:')) {
    const db = new SqliteDatabase(url.slice('sqlite:'.length), { readonly: true, fileMustExist: true })
    const prepared = new Map<string, SqliteDatabase.Statement>()
    return {
      all: async <T>(sql: string, params: unknown[] = [], name?: string) => {
        const statement = (name && prepared.get(name)) || db.prepare(sql)
        if (name) prepared.set(name, statement)
        return statement.all(...params) as T[]
      },
      close: async () => void db.close(),
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: connections, types: pgTypes })
  const texts = new Map<string, string>()
  const numbered = (sql: string) => {
    let text = texts.get(sql)
    if (text === undefined) {
      let n = 0
      text = sql.replace(/\?/g, () => `$${++n}`)
      texts.set(sql, text)
    }
    return text
  }
  return {
    all: async <T>(sql: string, params: unknown[] = [], name?: string) =>
      (await pool.query({ text: numbered(sql), values: params, ...(name ? { name } : {}) })).rows as T[],
    close: () => pool.end(),
  }
}
