// Boots the real app on a real database for each dialect: SQLite always, PostgreSQL when
// TEST_DATABASE_URL is set (required under CI=true). Each environment gets its own database;
// each test makes its own shop, so tests never see each other's rows.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import pg from 'pg'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { connect } from '../src/db/connect.ts'
import type { Dialect } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { initShop, type InitResult } from '../src/modules/shops/index.ts'
import { closeServices, createServices, openSecretBox, type ServiceOverrides, type Services } from '../src/services.ts'
import { createWorker, type Worker } from '../src/worker.ts'
import { createLogMailer } from '../src/platform/mail/mailer.ts'
import { createSandboxPayoutProvider, createSandboxProvider } from '../src/modules/payments/index.ts'
import { checkDoctor, describeDifference } from '../src/doctor/doctor.ts'
import { systemClock } from '../src/platform/clock.ts'
import { openWallet } from '../src/main/live.ts'

const PG_URL = process.env.TEST_DATABASE_URL
if (process.env.CI === 'true' && !PG_URL)
  throw new Error('CI=true needs TEST_DATABASE_URL: the suite must run on PostgreSQL too')

export const DIALECTS: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite']
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export type TestEnv = {
  dialect: Dialect
  dbUrl: string
  /** The data folder (master key, uploads) the env's instances use: an `sx` child on the same database takes it too. */
  dataDir: string
  app: FastifyInstance
  services: Services
  /** A fresh shop with a live and a test key holding all nine abilities. */
  newShop(): Promise<InitResult>
  /** Another app instance on the same database (for multi-instance tests). `setup` runs before
   *  `ready()`, e.g. to add a test-only route. */
  spawnApp(
    env?: Record<string, string>,
    setup?: (app: FastifyInstance) => void | Promise<void>,
  ): Promise<{ app: FastifyInstance; services: Services }>
  /**
   * Runs the background work of every instance (jobs, webhook relay and sends) until nothing is
   * due at the clock's current time and every send is answered and recorded; answers how much
   * happened. With a manual clock (`createManualClock`, passed as `overrides.clock`), step the clock
   * past a delay and drain instead of sleeping. Instances started with SX_WORKER=off are drained too.
   */
  drain(): Promise<number>
  close(): Promise<void>
}

/** An empty database of its own (not migrated); returns its URL and how to drop it. */
export async function createDatabase(
  dialect: Dialect,
): Promise<{ url: string; dataDir: string; drop: () => Promise<void> }> {
  // Its own data folder too (secret key, uploaded files).
  const dataDir = mkdtempSync(join(tmpdir(), 'sx-test-'))
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true })
  if (dialect === 'sqlite') return { url: `sqlite:${join(dataDir, 'sx.db')}`, dataDir, drop: removeDir }
  const name = `sx_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(PG_URL!)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
      await removeDir()
    },
  }
}

/**
 * No chain runs here, so live mode pays (and pays out, see spawnApp) through a second sandbox
 * standing in for a live provider (live mode has no provider configured otherwise). Mail without
 * SMTP_URL goes nowhere instead of to the test output; it is still stored in the mails table.
 */
const TEST_DOUBLES: ServiceOverrides = {
  payments: { sandbox: createSandboxProvider(), live: { ...createSandboxProvider(), id: 'live-test-double' } },
  mailer: createLogMailer(() => {}),
}

export async function startTestEnv(
  dialect: Dialect,
  env: Record<string, string> = {},
  overrides: ServiceOverrides = {},
): Promise<TestEnv> {
  const database = await createDatabase(dialect)
  const instances: { app: FastifyInstance; services: Services; worker: Worker }[] = []
  const spawnApp = async (
    extraEnv: Record<string, string> = {},
    setup?: (app: FastifyInstance) => void | Promise<void>,
  ) => {
    const config = loadConfig({
      DATABASE_URL: database.url,
      SX_DATA_DIR: database.dataDir,
      LOG_LEVEL: 'silent',
      KEY_LAST_USED_FLUSH_MS: '60000',
      JOB_POLL_MS: '50',
      // Every injected request comes from 127.0.0.1: per-address budgets out of reach unless a test sets them.
      RATE_LIMIT_ANON: '1000000',
      RATE_LIMIT_BUYER: '1000000',
      ...env,
      ...extraEnv,
    })
    const connection = connect(config.db.url)
    if (instances.length === 0) await migrateToLatest(connection.db, openSecretBox(config))
    const mailDoubles = config.mail.smtpUrl ? { payments: TEST_DOUBLES.payments } : TEST_DOUBLES
    // A local chain configured (SX_RPC_<CHAIN>): live orders go through the real EVM provider.
    const doubles = config.live.evm.length > 0 ? { ...mailDoubles, payments: undefined } : mailDoubles
    const sandboxPayouts = createSandboxPayoutProvider({
      db: connection.db,
      clock: overrides.clock ?? systemClock,
      ...config.payouts,
    })
    const payouts = { sandbox: sandboxPayouts, live: { ...sandboxPayouts, id: 'live-test-double' } }
    // With SX_RPC_<CHAIN> (a local node), live payouts go through the real treasury (none without a wallet).
    const live = config.live.evm.length > 0
    const services = createServices(config, connection, {
      ...doubles,
      ...(live ? { wallet: await openWallet(config, connection.db) } : { payouts }),
      ...overrides,
    })
    const app = await buildApp(services)
    await setup?.(app)
    await app.ready()
    // Like `sx serve`, every instance runs the job worker unless SX_WORKER=off; a worker that is
    // not started still runs when the test drains.
    const worker = createWorker(services, (error) => console.error('job failed in test', error))
    if (config.jobs.inProcess) worker.start()
    instances.push({ app, services, worker })
    return { app, services }
  }
  const first = await spawnApp()
  return {
    dialect,
    dbUrl: database.url,
    dataDir: database.dataDir,
    app: first.app,
    services: first.services,
    spawnApp,
    newShop: () =>
      initShop(first.services.db, {
        name: 'Test Shop',
        email: `owner-${Math.random().toString(36).slice(2)}@example.com`,
        password: 'correct horse battery',
        now: first.services.clock.now(),
      }),
    drain: async () => {
      // Any instance's worker takes any due work, but only its own drain waits for what its loop
      // has in flight: round all of them until a whole round finds nothing.
      let total = 0
      for (;;) {
        let done = 0
        for (const { worker } of instances) done += await worker.drain()
        if (done === 0) return total
        total += done
      }
    },
    // After the last test of the environment, the ledger must agree with the orders, refunds and
    // payouts, and every stock counter with its movements (the `sx doctor` checks): a difference
    // fails the run, naming each one.
    close: async () => {
      for (const { app, worker } of instances) {
        await app.close()
        await worker.stop()
      }
      const report = await checkDoctor(first.services.db).catch((error: unknown) => ({ error }))
      for (const { services } of instances.reverse()) await closeServices(services)
      await database.drop()
      if ('error' in report) throw report.error
      const broken = [
        ...report.ledger.differences.map((d) => `ledger: ${describeDifference(d)}`),
        ...report.stock.differences.map((d) => `stock: ${describeDifference(d)}`),
      ]
      if (broken.length > 0) throw new Error(`invariant broken (${dialect}):\n${broken.join('\n')}`)
    },
  }
}

type Headers = Record<string, string>

/** A tiny client over app.inject that sends the key as a bearer token. */
export function client(app: FastifyInstance, secret?: string) {
  const send = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
    headers: Headers = {},
  ) =>
    app.inject({
      method,
      url,
      headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
      ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
    })
  return {
    get: (url: string, headers?: Headers) => send('GET', url, undefined, headers),
    post: (url: string, body?: unknown, headers?: Headers) => send('POST', url, body ?? {}, headers),
    patch: (url: string, body?: unknown, headers?: Headers) => send('PATCH', url, body ?? {}, headers),
    delete: (url: string, headers?: Headers) => send('DELETE', url, undefined, headers),
    send,
    secret,
  }
}

export type Client = ReturnType<typeof client>

/** The body as the schema type the route answers with (`json<Order>(res)`, `json<List<Refund>>(res)`):
 *  a type for the test's own reading, not a check. Fastify's `.json()` is `any`. */
export function json<T>(response: LightMyRequestResponse): T {
  return response.json() as T
}
export type { List } from '../src/platform/pagination.ts'

/** Asserts a field the typed body marks optional or nullable is there in this answer, and returns it. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined)
    throw new assert.AssertionError({ message: `${what} is missing`, actual: value, expected: 'a value' })
  return value
}

/** Asserts the RFC 9457 shape every non-2xx must have, and returns the body. */
export function problem(response: LightMyRequestResponse, status: number, type: string) {
  const body = response.json()
  const where = `${response.statusCode} ${response.body}`
  if (response.statusCode !== status) throw new Error(`expected ${status} ${type}, got ${where}`)
  if (!String(response.headers['content-type']).startsWith('application/problem+json'))
    throw new Error(`not problem+json: ${where}`)
  if (
    body.type !== type ||
    body.status !== status ||
    typeof body.title !== 'string' ||
    typeof body.detail !== 'string'
  ) {
    throw new Error(`bad problem body: ${where}`)
  }
  if (body.trace_id !== response.headers['x-request-id'])
    throw new Error(`trace_id differs from X-Request-Id: ${where}`)
  return body as {
    type: string
    title: string
    status: number
    detail: string
    instance: string
    trace_id: string
    errors?: Record<string, string[]>
  }
}

/** A valid product body; dynamic and subscription products get the setting their type requires. */
export const sampleProduct = (overrides: Record<string, unknown> = {}) => {
  const type = overrides.type ?? 'license_key'
  return {
    name: 'Adobe Creative Cloud Key',
    type,
    price_cents: 12900,
    currency: 'USD',
    ...(type === 'dynamic' ? { dynamic_url: 'http://127.0.0.1:9/unused' } : {}),
    ...(type === 'subscription' ? { interval: 'month' } : {}),
    ...overrides,
  }
}

/** Serves `app` on a loopback port and returns its base URL, for races over real sockets with
 *  fetch (each request on its own connection, as clients send them). `env.close()` closes it. */
export async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 })
}

/** Makes every INSERT into `table` for `shopId` fail (a 500 in the app) until `disarm()` is called,
 *  using a trigger in the test database, so tests can check what a failed transaction leaves behind. */
export async function failInserts(
  env: TestEnv,
  table: 'events' | 'products' | 'stock_items',
  shopId: string,
): Promise<{ disarm: () => Promise<void> }> {
  const db = env.services.db
  await sql`create table if not exists test_faults (tbl text not null, shop_id text not null)`.execute(db)
  if (env.dialect === 'sqlite') {
    await sql
      .raw(
        `create trigger if not exists test_fault_${table} before insert on ${table}
      when exists (select 1 from test_faults where tbl = '${table}' and shop_id = new.shop_id)
      begin select raise(abort, 'injected test fault'); end`,
      )
      .execute(db)
  } else {
    await sql
      .raw(
        `create or replace function test_fault() returns trigger language plpgsql as $$ begin
      if exists (select 1 from test_faults where tbl = TG_TABLE_NAME and shop_id = new.shop_id) then raise exception 'injected test fault'; end if;
      return new; end $$`,
      )
      .execute(db)
    await sql
      .raw(`create or replace trigger test_fault before insert on ${table} for each row execute function test_fault()`)
      .execute(db)
  }
  await sql`insert into test_faults (tbl, shop_id) values (${table}, ${shopId})`.execute(db)
  return {
    disarm: async () => {
      await sql`delete from test_faults where tbl = ${table} and shop_id = ${shopId}`.execute(db)
    },
  }
}
