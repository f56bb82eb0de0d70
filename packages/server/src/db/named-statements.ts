// PostgreSQL parses an unnamed statement on every execution; a named one is parsed once per
// connection and then only bound and run. The hot reads (the key lookup, the list) register their
// SQL here, and each pooled connection sends those texts as named statements.
import { createHash } from 'node:crypto'
import type pg from 'pg'

/** Statement names a connection holds at most (retired ones included); past this, texts go unnamed. */
export const MAX_NAMES_PER_CONNECTION = 200

// SQL text → statement name. Texts come from code (a few shapes per hot query), so this stays small;
// the bound only guards against a caller that registers built-on-the-fly SQL.
const registered = new Map<string, string>()

/** Marks a read's SQL as hot: pooled PostgreSQL connections send it named from now on. */
export function nameStatement(text: string): void {
  if (registered.has(text) || registered.size >= MAX_NAMES_PER_CONNECTION) return
  registered.set(text, `sx_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`)
}

type Send = (query: string | pg.QueryConfig, values?: unknown[]) => Promise<pg.QueryResult>

/**
 * Installed on each new pool connection (`pool.on('connect', …)`): Kysely's driver calls
 * `client.query(text, values)`, and a registered text outside a transaction goes out as a named
 * statement. Inside a transaction it stays unnamed: a named statement that fails there could not be
 * re-run, and the whole transaction would be lost. The names live as long as the connection
 * (the pool's `maxUses` recycles it).
 */
export function nameHotStatements(client: pg.PoolClient | pg.Client): void {
  const send = client.query.bind(client) as Send
  // Text → the name it has on this connection; `used` counts every name ever parsed here.
  const names = new Map<string, string>()
  let used = 0
  let inTransaction = false

  const named = (text: string, values: unknown[] | undefined, retried = false): Promise<pg.QueryResult> => {
    let name = names.get(text)
    if (!name) {
      if (used >= MAX_NAMES_PER_CONNECTION) return send(text, values)
      name = `${registered.get(text)!}_${used++}`
      names.set(text, name)
    }
    return send({ name, text, values }).catch((error: unknown) => {
      if (retried || !isStalePlan(error)) throw error
      // A schema change altered what the statement returns (e.g. a column added under `select *`).
      // The old name is retired (it stays parsed until the connection closes, counted in `used`);
      // the read runs again under a new one. Outside a transaction nothing else was lost.
      names.delete(text)
      return named(text, values, true)
    })
  }

  client.query = function query(this: unknown, ...args: unknown[]) {
    const [text, values, callback] = args
    if (typeof text !== 'string' || typeof values === 'function' || callback !== undefined)
      return (send as (...a: unknown[]) => unknown)(...args)
    if (text.length < 80) inTransaction = transactionStateAfter(text, inTransaction)
    if (inTransaction || !registered.has(text)) return send(text, values as unknown[] | undefined)
    return named(text, values as unknown[] | undefined)
  } as typeof client.query
}

/** Kysely opens and closes transactions with these statements on the connection it holds. */
function transactionStateAfter(text: string, inTransaction: boolean): boolean {
  const statement = text.trimStart().toLowerCase()
  if (statement.startsWith('begin') || statement.startsWith('start transaction')) return true
  if (statement.startsWith('commit') || statement === 'end') return false
  if (statement.startsWith('rollback') && !statement.startsWith('rollback to')) return false
  return inTransaction
}

// 0A000 "cached plan must not change result type": the statement's tables changed shape since it was parsed.
// 26000: the server no longer knows the name (DISCARD ALL, DEALLOCATE, a pooler in between).
function isStalePlan(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '26000' || (code === '0A000' && /cached plan/i.test(String((error as Error).message)))
}
