import type { Transaction } from 'kysely'
import type { Database } from '../db/database.ts'
import type { Auth } from './http/auth.ts'

/** Runs work in one database transaction; for idempotent requests it also stores the response there. */
export type Transact = <T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>

/** Who is asking (shop, mode, abilities) and how to commit: what every service function receives. */
export type RequestContext = Readonly<{ auth: Auth; transact: Transact }>
