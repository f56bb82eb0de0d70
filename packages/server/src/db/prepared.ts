// Hot queries compiled once per database instead of rebuilt by Kysely on every request.
import { CompiledQuery, type Compilable } from 'kysely'
import type { Db } from './database.ts'

/**
 * Builds and compiles a query on first use per database, then runs its SQL with new parameter
 * values. `build` must bind exactly the parameters `run` passes, in the same order.
 * @example
 *   const findKey = preparedQuery((db) => db.selectFrom('api_keys').select('id').where('secret_hash', '=', '?'))
 *   const rows = await findKey(db, hash)
 */
export function preparedQuery<Row>(build: (db: Db) => Compilable<Row>) {
  const compiled = new WeakMap<Db, CompiledQuery<Row>>()
  return async (db: Db, ...parameters: unknown[]): Promise<Row[]> => {
    let query = compiled.get(db)
    if (!query) {
      query = build(db).compile()
      if (query.parameters.length !== parameters.length)
        throw new Error(`prepared query takes ${query.parameters.length} parameters`)
      compiled.set(db, query)
    }
    const result = await db.executeQuery<Row>(CompiledQuery.raw(query.sql, parameters) as CompiledQuery<Row>)
    return result.rows
  }
}
