// A dialect wrapper that sees what the driver sends: every statement (`onQuery`: tests count an
// idle process's statements) and, once they are durable, which tables got rows (`onCommitted`:
// the job queue and the outbox announce new rows from there, so no caller has to remember to, and
// nothing is announced that rolled back). An insert is reduced to its table and earliest `run_at`
// as it runs: a transaction holds no statements (a 100k-key import's values, sealed secrets) until
// its commit.
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  InsertQueryNode,
  OperationNode,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely'

/** Per table that got rows: the smallest `run_at` among them (null: the table has no such column). */
export type CommittedInserts = ReadonlyMap<string, number | null>

export type Watch = {
  /** Every statement, transaction control included, as it is sent. */
  onQuery?: (sql: string) => void
  /** The tables a transaction inserted into, after it commits (of a lone statement, after it ran). */
  onCommitted: (inserts: CommittedInserts) => void
}

export class WatchedDialect implements Dialect {
  constructor(
    private readonly inner: Dialect,
    private readonly watch: Watch,
  ) {}

  createDriver(): Driver {
    return new WatchedDriver(this.inner.createDriver(), this.watch)
  }
  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler()
  }
  createAdapter() {
    return this.inner.createAdapter()
  }
  createIntrospector(db: Parameters<Dialect['createIntrospector']>[0]) {
    return this.inner.createIntrospector(db)
  }
}

class WatchedConnection implements DatabaseConnection {
  inTransaction = false
  inserts = new Map<string, number | null>()

  constructor(
    readonly inner: DatabaseConnection,
    private readonly watch: Watch,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.watch.onQuery?.(query.sql)
    const result = await this.inner.executeQuery<R>(query)
    if (query.query.kind === 'InsertQueryNode') {
      const inserts = this.inTransaction ? this.inserts : new Map<string, number | null>()
      noteInsert(inserts, query.query as InsertQueryNode)
      if (!this.inTransaction) announce(this.watch, inserts)
    }
    return result
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    this.watch.onQuery?.(query.sql)
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

function noteInsert(inserts: Map<string, number | null>, insert: InsertQueryNode): void {
  const table = insert.into?.table.identifier.name
  if (table === undefined) return
  const runAt = earliestRunAt(insert)
  const before = inserts.get(table)
  inserts.set(table, before == null || runAt === null ? (before ?? runAt) : Math.min(before, runAt))
}

/**
 * The smallest run_at among the inserted rows: null when the insert has no run_at column, 0 (due
 * now, the safe side) when a value is not a plain number.
 */
function earliestRunAt(insert: InsertQueryNode): number | null {
  const column = insert.columns?.findIndex((node) => node.column.name === 'run_at') ?? -1
  if (column < 0) return null
  const rows = (insert.values as { values?: readonly OperationNode[] } | undefined)?.values ?? []
  let earliest = Infinity
  for (const row of rows as readonly { kind: string; values: readonly unknown[] }[]) {
    const value = row.values[column]
    const plain = row.kind === 'PrimitiveValueListNode' ? value : (value as { value?: unknown } | undefined)?.value
    earliest = Math.min(earliest, typeof plain === 'number' ? plain : 0)
  }
  return earliest === Infinity ? 0 : earliest
}

/** A listener that throws must not turn a committed transaction into a failed call. */
function announce(watch: Watch, inserts: CommittedInserts): void {
  try {
    watch.onCommitted(inserts)
  } catch {
    // The listeners' own concern (they log); the data is committed either way.
  }
}

type SavepointStep = (
  connection: DatabaseConnection,
  name: string,
  compile: QueryCompiler['compileQuery'],
) => Promise<void>

class WatchedDriver implements Driver {
  savepoint?: SavepointStep
  rollbackToSavepoint?: SavepointStep
  releaseSavepoint?: SavepointStep

  constructor(
    private readonly inner: Driver,
    private readonly watch: Watch,
  ) {
    // Offered only when the driver has them (Kysely checks for the methods).
    for (const step of ['savepoint', 'rollbackToSavepoint', 'releaseSavepoint'] as const) {
      const method = inner[step]
      if (method)
        this[step] = (connection, name, compile) =>
          method.call(inner, (connection as WatchedConnection).inner, name, compile)
    }
  }

  init(): Promise<void> {
    return this.inner.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new WatchedConnection(await this.inner.acquireConnection(), this.watch)
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const watched = connection as WatchedConnection
    this.watch.onQuery?.('begin')
    await this.inner.beginTransaction(watched.inner, settings)
    watched.inTransaction = true
    watched.inserts = new Map()
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const watched = connection as WatchedConnection
    this.watch.onQuery?.('commit')
    const inserts = watched.inserts
    watched.inTransaction = false
    watched.inserts = new Map()
    await this.inner.commitTransaction(watched.inner)
    if (inserts.size > 0) announce(this.watch, inserts)
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const watched = connection as WatchedConnection
    this.watch.onQuery?.('rollback')
    watched.inTransaction = false
    watched.inserts = new Map()
    await this.inner.rollbackTransaction(watched.inner)
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as WatchedConnection).inner)
  }

  destroy(): Promise<void> {
    return this.inner.destroy()
  }
}
