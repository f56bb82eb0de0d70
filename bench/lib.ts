// The bench's building blocks: boot sx on a fresh SQLite file through the real code, seed it,
// start the bare-fastify baseline, and drive load with autocannon. bench/run.ts composes them.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Options, Result } from 'autocannon'
import SqliteDatabase from 'better-sqlite3'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Answer } from './load.ts'
import { buildApp } from '../packages/server/src/app.ts'
import { loadConfig } from '../packages/server/src/config.ts'
import { connect } from '../packages/server/src/db/connect.ts'
import type { Db } from '../packages/server/src/db/database.ts'
import { migrateToLatest } from '../packages/server/src/db/migrate.ts'
import { PRODUCT_TYPES, POOL_TYPES } from '../packages/server/src/modules/catalog/catalog.schemas.ts'
import { slugify } from '../packages/server/src/modules/catalog/slug.ts'
import { sealedStockItem } from '../packages/server/src/modules/catalog/stock.service.ts'
import { initShop } from '../packages/server/src/modules/shops/index.ts'
import { sha256Hex } from '../packages/server/src/platform/crypto.ts'
import type { SecretBox } from '../packages/server/src/platform/secret-box.ts'
import { newId } from '../packages/server/src/platform/ids.ts'
import { closeServices, createServices, openSecretBox, type Services } from '../packages/server/src/services.ts'
import { startWorker } from '../packages/server/src/worker.ts'

export type Sx = {
  app: FastifyInstance
  services: Services
  url: string
  shopId: string
  testKey: string
  close(): Promise<void>
}

export type Figures = Record<string, number | string | boolean>
export type Context = { sx: Sx; seconds: number; auth: Record<string, string>; listBody: unknown }
/** One measurement of `npm run bench`: it returns its figures, or throws when an answer or the stored state is wrong. */
export type Run = { name: string; what: string; run(ctx: Context): Promise<Figures> }

const BENCH_ENV = { LOG_LEVEL: 'silent', RATE_LIMIT_READS: '1000000000', RATE_LIMIT_WRITES: '1000000000' }

/**
 * sx as `sx serve` runs it, minus the demo seed, on its own SQLite file; rate limits out of the
 * way. The data folder (the master key) is the temp dir too, so an `sx worker` started on it can
 * open the stored secrets. The job worker runs in process only when `worker` is given (with
 * somewhere to report its errors, which the silent log would swallow): other runs measure requests alone.
 */
export async function startSx(
  options: { worker?: { onError(error: unknown, context: object): void } } = {},
): Promise<Sx> {
  const dir = mkdtempSync(join(tmpdir(), 'sx-bench-'))
  const config = loadConfig({ ...BENCH_ENV, DATABASE_URL: `sqlite:${join(dir, 'sx.db')}`, SX_DATA_DIR: dir })
  const connection = connect(config.db.url)
  await migrateToLatest(connection.db, openSecretBox(config))
  const services = createServices(config, connection)
  const app = await buildApp(services)
  const url = await listen(app)
  const worker = options.worker ? startWorker(services, options.worker.onError) : null
  const shop = await initShop(services.db, {
    name: 'Bench Shop',
    email: 'bench@sx.local',
    password: 'bench-password',
    now: Date.now(),
  })
  return {
    app,
    services,
    url,
    shopId: shop.shop.id,
    testKey: shop.keys.test,
    close: async () => {
      await app.close()
      await worker?.stop()
      await closeServices(services)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Another sx on the same database file with extra settings (e.g. the read cache turned off). */
export async function startSxReplica(
  sx: Sx,
  env: Record<string, string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadConfig({
    ...BENCH_ENV,
    DATABASE_URL: sx.services.config.db.url,
    SX_DATA_DIR: sx.services.config.dataDir,
    ...env,
  })
  const services = createServices(config, connect(config.db.url))
  const app = await buildApp(services)
  return {
    url: await listen(app),
    close: async () => {
      await app.close()
      await closeServices(services)
    },
  }
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

/**
 * Inserts `count` test-mode products in batches, with the columns createProduct would write, and
 * `itemsPerPool` available stock items on each pool product (so the derived-stock subquery counts
 * real rows). Types rotate, so every page of the list mixes pool and counter products.
 */
export async function seedProducts(
  db: Db,
  box: SecretBox,
  shopId: string,
  count: number,
  itemsPerPool: number,
): Promise<void> {
  const BATCH = 500
  const now = Date.now()
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < count; start += BATCH) {
      const products = []
      const items = []
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const id = newId('product')
        const type = PRODUCT_TYPES[i % PRODUCT_TYPES.length]!
        const name = `Bench Product ${String(i + 1).padStart(5, '0')}`
        const pool = POOL_TYPES.has(type)
        products.push({
          id,
          shop_id: shopId,
          livemode: 0,
          name,
          slug: slugify(name),
          type,
          price_cents: 100 + (i % 50) * 100,
          currency: 'USD',
          description: i % 3 === 0 ? null : `Description of ${name}.`,
          status: 'active',
          stock_counter: pool ? null : i % 2 === 0 ? null : 100 + i,
          created_at: now,
          updated_at: now,
          archived_at: null,
          // The type settings createProduct requires (the signing secret is never listed, so none is sealed).
          dynamic_url: type === 'dynamic' ? 'https://merchant.example/sx-deliver' : null,
          signing_secret_sealed: null,
          interval: type === 'subscription' ? 'month' : null,
          file_name: null,
          file_size: null,
          file_sha256: null,
        })
        for (let k = 1; pool && k <= itemsPerPool; k++) {
          const value = `SEED-${id.slice(-10)}-${String(k).padStart(4, '0')}`
          items.push(sealedStockItem(box, { shopId, livemode: false }, id, value, now))
        }
      }
      await trx.insertInto('products').values(products).execute()
      if (items.length > 0) await trx.insertInto('stock_items').values(items).execute()
    }
  })
}

/** A fastify app with no plugins whose one route answers `body` from memory (the framework's floor). */
export async function startBaseline(body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false })
  app.get('/baseline', async () => body)
  const url = await listen(app)
  return { url: `${url}/baseline`, close: () => app.close() }
}

type ProductRow = {
  id: string
  name: string
  slug: string
  type: string
  price_cents: number
  currency: string
  description: string | null
  status: string
  livemode: number
  stock_counter: number | null
  pool_stock: number
  created_at: number
  updated_at: number
  dynamic_url: string | null
  interval: string | null
  file_name: string | null
  file_size: number | null
  file_sha256: string | null
}

/**
 * The floor for a database-backed list: bare fastify doing only what the answer needs — one
 * prepared key lookup, the same list SQL as sx through its own read-only better-sqlite3
 * connection, a hand-written mapping. sx's distance from it is sx's own overhead.
 */
export async function startDbBaseline(dbFile: string): Promise<{ url: string; close(): Promise<void> }> {
  const db = new SqliteDatabase(dbFile, { readonly: true })
  const findKey = db.prepare('select shop_id, livemode from api_keys where secret_hash = ? and revoked_at is null')
  const listProducts =
    db.prepare(`select p.*, (select count(*) from stock_items s where s.product_id = p.id and s.status = 'available')
    as pool_stock from products p where p.shop_id = ? and p.livemode = ? order by p.id desc limit ?`)
  const app = Fastify({ logger: false })
  app.get('/baseline-db', async (request, reply) => {
    const secret = request.headers.authorization?.replace(/^Bearer /, '') ?? ''
    const key = findKey.get(sha256Hex(secret)) as { shop_id: string; livemode: number } | undefined
    if (!key) return reply.code(401).send({ error: 'unauthenticated' })
    const rows = listProducts.all(key.shop_id, key.livemode, 26) as ProductRow[]
    const data = rows.slice(0, 25).map((row) => ({
      id: row.id,
      name: row.name,
      slug: row.slug,
      type: row.type,
      price_cents: row.price_cents,
      currency: row.currency,
      description: row.description,
      stock: POOL_TYPES.has(row.type) ? row.pool_stock : row.stock_counter,
      status: row.status,
      livemode: row.livemode === 1,
      dynamic_url: row.dynamic_url,
      interval: row.interval,
      file: row.file_sha256 === null ? null : { name: row.file_name, size: row.file_size, sha256: row.file_sha256 },
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
    }))
    return { object: 'list', has_more: rows.length > 25, next_cursor: rows.length > 25 ? data[24]!.id : null, data }
  })
  const url = await listen(app)
  return {
    url: `${url}/baseline-db`,
    close: async () => {
      await app.close()
      db.close()
    },
  }
}

export type LoadFigures = {
  req_per_s: number
  p50_ms: number
  p99_ms: number
  requests: number
  non2xx: number
  /** CPU the bench process (the servers) spent per answered request: steadier than req/s on a busy machine. */
  server_cpu_us_per_req: number
}

/** What each request sends (default: a GET without a body) and the one status every answer must have. */
export type LoadRequest = {
  method?: 'GET' | 'POST' | 'PATCH'
  /** JSON text; every `[<id>]` in it becomes a fresh unique id per request (see load.ts). */
  body?: string
  /** Default: any 2xx. */
  expectStatus?: number
}

/**
 * autocannon in a child process (bench/load.ts), so the load generator shares neither the event
 * loop nor the CPU accounting of the servers under test. Throws when any answer was not 2xx (or
 * not `expectStatus`) or any connection failed.
 */
export async function load(
  url: string,
  seconds: number,
  headers: Record<string, string> = {},
  connections = 50,
  request: LoadRequest = {},
): Promise<LoadFigures> {
  const cpuBefore = process.cpuUsage()
  const { result } = await runAutocannon({ url, connections, duration: seconds, headers, ...requestOptions(request) })
  const cpu = process.cpuUsage(cpuBefore)
  const unexpected =
    request.expectStatus === undefined
      ? 0
      : Object.entries(result.statusCodeStats).reduce(
          (sum, [status, { count }]) => sum + (Number(status) === request.expectStatus ? 0 : count),
          0,
        )
  const failed = result.non2xx + result.errors + result.timeouts + unexpected
  if (failed > 0) {
    throw new Error(
      `load on ${url}: ${result.non2xx} non-2xx, ${unexpected} not ${request.expectStatus ?? '2xx'}, ` +
        `${result.errors} errors, ${result.timeouts} timeouts (status codes ${JSON.stringify(result.statusCodeStats)})`,
    )
  }
  if (result['2xx'] === 0) throw new Error(`load on ${url}: no answers at all`)
  return {
    req_per_s: round(result.requests.average),
    p50_ms: round(result.latency.p50),
    p99_ms: round(result.latency.p99),
    requests: result['2xx'],
    non2xx: result.non2xx,
    server_cpu_us_per_req: round((cpu.user + cpu.system) / result['2xx'], 1),
  }
}

/** What a flood did: answers per second and answers per status (none of them judged). */
export type FloodFigures = { req_per_s: number; requests: number; statuses: Record<string, number>; errors: number }

/**
 * Load whose answers are not judged: a flood of requests the server should refuse (autocannon in
 * the child process, as load()). A refused connection or one the server closes is counted, not thrown.
 */
export async function flood(
  url: string,
  seconds: number,
  headers: Record<string, string>,
  connections: number,
): Promise<FloodFigures> {
  const { result } = await runAutocannon({ url, connections, duration: seconds, headers })
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
  )
  const requests = Object.values(statuses).reduce((sum, count) => sum + count, 0)
  return { req_per_s: round(requests / seconds), requests, statuses, errors: result.errors + result.timeouts }
}

export type RaceResult = {
  /** From the first request sent to the last answer received. */
  ms: number
  p50_ms: number
  p99_ms: number
  /** Answers by HTTP status. */
  statuses: Record<string, number>
  errors: number
  timeouts: number
  answers: Answer[]
  server_cpu_us_per_req: number
}

/**
 * Exactly `amount` requests over `connections` connections (autocannon in the child process, as
 * load()), every answer's status and body returned. Does not judge the statuses: the caller does.
 */
export async function race(
  url: string,
  amount: number,
  connections: number,
  headers: Record<string, string>,
  request: LoadRequest,
): Promise<RaceResult> {
  const cpuBefore = process.cpuUsage()
  const { result, answers } = await runAutocannon({
    url,
    connections,
    amount,
    headers,
    ...requestOptions(request),
    collectAnswers: true,
  })
  const cpu = process.cpuUsage(cpuBefore)
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
  )
  return {
    ms: new Date(result.finish).getTime() - new Date(result.start).getTime(),
    p50_ms: round(result.latency.p50),
    p99_ms: round(result.latency.p99),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    answers: answers ?? [],
    server_cpu_us_per_req: round((cpu.user + cpu.system) / Math.max(1, answers?.length ?? 0), 1),
  }
}

function requestOptions({ method, body }: LoadRequest): Partial<Options> {
  return body === undefined ? { method } : { method, body }
}

/** A bench/ helper process (load.ts, receiver.ts) with an IPC channel. */
export function forkHelper(file: string): ChildProcess {
  // The child runs TypeScript through the same loader (tsx) as this process, without profiling flags.
  return fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof')),
  })
}

function runAutocannon(
  options: Options & { collectAnswers?: boolean },
): Promise<{ result: Result; answers?: Answer[] }> {
  const child = forkHelper('./load.ts')
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: Result; answers?: Answer[]; error?: string }) =>
      message.result
        ? resolve({ result: message.result, answers: message.answers })
        : reject(new Error(`autocannon: ${message.error}`)),
    )
    child.once('exit', (code) => reject(new Error(`autocannon child exited with ${code} before answering`)))
    child.send(options)
  })
}

/** Same load, shorter, to warm the JIT, SQLite's page cache and the connections' code paths. */
export async function warmUp(
  url: string,
  headers: Record<string, string> = {},
  request: LoadRequest = {},
): Promise<void> {
  await load(url, 2, headers, 50, request)
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now()
  const value = await work()
  return { ms: round(performance.now() - started), value }
}

/** POSTs JSON over real HTTP and returns the parsed answer; throws on a non-2xx. */
export async function postJson(url: string, key: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 500)}`)
  return JSON.parse(text)
}

export async function getJson(url: string, key: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } })
  const text = await response.text()
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`)
  return JSON.parse(text)
}

/** Sends JSON over real HTTP and returns the status and parsed answer, whatever the status. */
export async function send(
  url: string,
  key: string,
  method: 'GET' | 'POST',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/** What the database says about one pool product's items and the orders holding them. */
export type PoolAudit = {
  items: number
  /** Items by status (available, reserved, sold). */
  by_status: Record<string, number>
  /** Reserved or sold items with no order_id. */
  taken_without_order: number
  /** Distinct values among reserved or sold items (fewer than the items: a key went out twice). */
  distinct_taken_values: number
  /** order_id → how many of this product's items it holds. */
  items_per_order: Map<string, number>
  /** Orders with a line for this product: id → status and qty. */
  orders: Map<string, { status: string; qty: number }>
}

/**
 * Reads the SQLite file through its own read-only better-sqlite3 connection (not sx's), after the
 * load: what is stored, independent of what the API answered.
 */
export function auditPool(dbFile: string, productId: string): PoolAudit {
  const db = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true })
  try {
    const byStatus = db
      .prepare('select status, count(*) as n from stock_items where product_id = ? group by status')
      .all(productId) as { status: string; n: number }[]
    const taken = db
      .prepare(
        `select count(*) as n, count(distinct value_hash) as d, sum(order_id is null) as orphans
      from stock_items where product_id = ? and status in ('reserved', 'sold')`,
      )
      .get(productId) as { n: number; d: number; orphans: number | null }
    const perOrder = db
      .prepare(
        'select order_id, count(*) as n from stock_items where product_id = ? and order_id is not null group by order_id',
      )
      .all(productId) as { order_id: string; n: number }[]
    const orders = db
      .prepare(
        `select o.id, o.status, l.qty from orders o join order_lines l on l.order_id = o.id where l.product_id = ?`,
      )
      .all(productId) as { id: string; status: string; qty: number }[]
    return {
      items: byStatus.reduce((sum, row) => sum + row.n, 0),
      by_status: Object.fromEntries(byStatus.map((row) => [row.status, row.n])),
      taken_without_order: taken.orphans ?? 0,
      distinct_taken_values: taken.d,
      items_per_order: new Map(perOrder.map((row) => [row.order_id, row.n])),
      orders: new Map(orders.map((row) => [row.id, { status: row.status, qty: row.qty }])),
    }
  } finally {
    db.close()
  }
}

/** Rows in a table of the bench's database (through sx's own connection). */
export async function countRows(sx: Sx, table: 'orders' | 'customers'): Promise<number> {
  const row = await sx.services.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A new customer per order (autocannon puts a fresh id in place of [<id>]): the insert path, the costlier one. */
export const BUYER_EMAIL = 'buyer-[<id>]@example.com'

export function expectImport(
  actual: unknown,
  expected: { imported: number; duplicates: number; stock_after: number },
): void {
  const got = actual as Record<string, unknown>
  const wrong = Object.entries(expected).filter(([field, value]) => got[field] !== value)
  if (wrong.length > 0)
    throw new Error(`stock import answered ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`)
}

/** n distinct ~30-character strings shaped like license keys (random per run, so no two runs collide). */
export function licenseKeys(n: number): string[] {
  const run = Math.random().toString(36).slice(2, 8).toUpperCase()
  return Array.from({ length: n }, (_, i) => `KEY-${run}-${String(i).padStart(7, '0')}-ABCDE-FGHIJ`)
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits
