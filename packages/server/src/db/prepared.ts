// The hot reads: compiled once per database instead of rebuilt by Kysely on every request, sent as
// named statements on PostgreSQL (named-statements.ts), and run again when the connection they
// were given turns out to be dead. Only reads come through here: a write is never run twice.
import { CompiledQuery, type Compilable } from 'kysely'
import type { Db, DbOrTrx } from './database.ts'
import { isLostConnection } from './errors.ts'
import { nameStatement } from './named-statements.ts'

/** A read on a connection that died (server restart, a dropped idle socket) runs again this often, each time on another. */
const READ_ATTEMPTS = 3

export type ReadOptions = {
  /** Called once the read holds a connection, just before its statement is sent (to stop others joining it). */
  onConnection?: () => void
}

/**
 * Builds and compiles a read on first use per database, then runs its SQL with new parameter
 * values. `build` must bind exactly the parameters passed, in the same order.
 * @example
 *   const findKey = preparedQuery((db) => db.selectFrom('api_keys').select('id').where('secret_hash', '=', '?'))
 *   const rows = await findKey(db, [hash])
 */
export function preparedQuery<Row>(build: (db: Db) => Compilable<Row>) {
  const compiled = new WeakMap<Db, CompiledQuery<Row>>()
  return (db: Db, parameters: readonly unknown[], options: ReadOptions = {}): Promise<Row[]> => {
    let query = compiled.get(db)
    if (!query) {
      query = compileRead(build(db))
      if (query.parameters.length !== parameters.length)
        throw new Error(`prepared query takes ${query.parameters.length} parameters`)
      compiled.set(db, query)
    }
    return runRead(db, CompiledQuery.raw(query.sql, [...parameters]) as CompiledQuery<Row>, options)
  }
}

/** A hot read whose shape varies with its filters (a few shapes): named like a prepared one. */
export function readQuery<Row>(db: DbOrTrx, query: Compilable<Row>): Promise<Row[]> {
  return runRead(db, compileRead(query), {})
}

function compileRead<Row>(query: Compilable<Row>): CompiledQuery<Row> {
  const compiled = query.compile()
  if (compiled.query.kind !== 'SelectQueryNode') throw new Error('only reads are prepared: they may run twice')
  nameStatement(compiled.sql)
  return compiled
}

async function runRead<Row>(db: DbOrTrx, query: CompiledQuery<Row>, options: ReadOptions): Promise<Row[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { onConnection } = options
      if (!onConnection) return (await db.executeQuery(query)).rows
      return await db.connection().execute(async (held) => {
        onConnection()
        return (await held.executeQuery(query)).rows
      })
    } catch (error) {
      // The pool discards a dead connection when it is handed back, so the next try gets another.
      // Inside a transaction the connection is the transaction's: nothing to retry on.
      if (attempt >= READ_ATTEMPTS || db.isTransaction || !isLostConnection(error)) throw error
    }
  }
}
