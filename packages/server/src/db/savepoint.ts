// A part of a transaction that may fail alone: what it wrote is undone and its error thrown, while
// the transaction around it goes on (on PostgreSQL an error would otherwise abort the whole of it).
import { sql } from 'kysely'
import type { DbOrTrx } from './database.ts'

export async function inSavepoint<T>(trx: DbOrTrx, name: string, work: () => Promise<T>): Promise<T> {
  const id = sql.id(name)
  await sql`savepoint ${id}`.execute(trx)
  try {
    const result = await work()
    await sql`release savepoint ${id}`.execute(trx)
    return result
  } catch (error) {
    await sql`rollback to savepoint ${id}`.execute(trx)
    throw error
  }
}
