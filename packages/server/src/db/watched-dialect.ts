// A dialect wrapper that sees what the driver sends: every statement (`onQuery`: tests count an
// idle process's statements) and, once they are durable, the inserts (`onCommitted`: the job
// queue and the outbox announce new rows from there, so no caller has to remember to, and nothing
// is announced that rolled back).
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely'

export type Watch = {
  /** Every statement, transaction control included, as it is sent. */
  onQuery?: (sql: string) => void
  /** The insert statements of a transaction after it commits (of a lone statement, after it ran). */
  onCommitted: (inserts: readonly CompiledQuery[]) => void
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
  inserts: CompiledQuery[] = []

  constructor(
    readonly inner: DatabaseConnection,
    private readonly watch: Watch,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.watch.onQuery?.(query.sql)
    const result = await this.inner.executeQuery<R>(query)
    if (query.query.kind === 'InsertQueryNode') {
      if (this.inTransaction) this.inserts.push(query)
      else announce(this.watch, [query])
    }
    return result
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    this.watch.onQuery?.(query.sql)
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

/** A listener that throws must not turn a committed transaction into a failed call. */
function announce(watch: Watch, inserts: readonly CompiledQuery[]): void {
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
    watched.inserts = []
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const watched = connection as WatchedConnection
    this.watch.onQuery?.('commit')
    const inserts = watched.inserts
    watched.inTransaction = false
    watched.inserts = []
    await this.inner.commitTransaction(watched.inner)
    if (inserts.length > 0) announce(this.watch, inserts)
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const watched = connection as WatchedConnection
    this.watch.onQuery?.('rollback')
    watched.inTransaction = false
    watched.inserts = []
    await this.inner.rollbackTransaction(watched.inner)
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as WatchedConnection).inner)
  }

  destroy(): Promise<void> {
    return this.inner.destroy()
  }
}
