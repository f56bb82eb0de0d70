import { Migrator, SqliteAdapter, sql, type Kysely } from 'kysely'
import type { Database, Db } from './database.ts'
import { migrations, type AtRest } from './migrations/index.ts'

/**
 * Brings the schema up to date; throws with the failing migration's error. `atRest` is the secret
 * box (SX_SECRET): migrations that seal stored data use it.
 */
export async function migrateToLatest(db: Db, atRest: AtRest): Promise<string[]> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return runMigrations(db, atRest)
  // Kysely runs SQLite migrations outside any transaction and without a lock across processes
  // (PostgreSQL gets an advisory lock and a transaction). SQLite's DDL is transactional, so one
  // BEGIN IMMEDIATE makes all pending migrations atomic and makes a second process starting at
  // the same time wait, then find them applied.
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection)
    try {
      const applied = await runMigrations(connection, atRest)
      await sql`commit`.execute(connection)
      return applied
    } catch (error) {
      await sql`rollback`.execute(connection)
      throw error
    }
  })
}

async function runMigrations(db: Kysely<Database>, atRest: AtRest): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(atRest) } })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
