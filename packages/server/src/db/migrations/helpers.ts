// Column helpers shared by migrations. Frozen like the migrations: change behaviour only in a new helper.
import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Ids are `<prefix>_<ULID>` text compared byte-wise, so keyset pagination orders them by time.
 * PostgreSQL's default collation is locale-aware, hence `collate "C"` there; SQLite compares bytes already.
 */
export function idColumn(db: Kysely<any>) {
  return db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : sql`text`
}
