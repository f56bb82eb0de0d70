// sx as `sx serve` boots it, on a fresh database of either dialect (databases.ts), and the shapes
// every bench row shares (Run, Context, Figures).
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../packages/server/src/app.ts'
import { loadConfig } from '../../packages/server/src/config.ts'
import { connect } from '../../packages/server/src/db/connect.ts'
import { migrateToLatest } from '../../packages/server/src/db/migrate.ts'
import { initShop } from '../../packages/server/src/modules/shops/index.ts'
import { checkLiveChains, openWallet } from '../../packages/server/src/main/live.ts'
import { closeServices, createServices, openSecretBox, type Services } from '../../packages/server/src/services.ts'
import { startWorker } from '../../packages/server/src/worker.ts'
import { createBenchDatabase, type BenchDatabase, type Dialect } from './databases.ts'

export type Sx = {
  app: FastifyInstance
  services: Services
  database: BenchDatabase
  url: string
  shopId: string
  testKey: string
  liveKey: string
  close(): Promise<void>
}

export type Figures = Record<string, number | string | boolean>
export type Context = {
  dialect: Dialect
  /** The row set's shared sx: seeded with the catalog, no worker. */
  sx: Sx
  seconds: number
  auth: Record<string, string>
  listBody: unknown
}
/** One measurement of `npm run bench`: it returns its figures, or throws when an answer or the stored state is wrong. */
export type Run = { name: string; what: string; run(ctx: Context): Promise<Figures> }

const BENCH_ENV = { LOG_LEVEL: 'silent', RATE_LIMIT_READS: '1000000000', RATE_LIMIT_WRITES: '1000000000' }

export type WorkerErrors = { onError(error: unknown, context: object): void }

/**
 * sx as `sx serve` runs it, minus the demo seed, on a fresh database of its own (dropped by
 * close()); rate limits out of the way. The data folder (the master key) is a temp dir, so an
 * `sx worker` started on it can open the stored secrets. The job worker runs in process only when
 * `worker` is given (with somewhere to report its errors, which the silent log would swallow):
 * other runs measure requests alone. `onQuery` hears every statement sx sends. `env` adds settings
 * (a chain: SX_RPC_<CHAIN> and a phrase open the live rails, as `sx serve` does).
 */
export async function startSx(
  dialect: Dialect,
  options: { worker?: WorkerErrors; onQuery?: (sql: string) => void; env?: Record<string, string> } = {},
): Promise<Sx> {
  const database = await createBenchDatabase(dialect)
  const config = loadConfig({ ...BENCH_ENV, DATABASE_URL: database.url, SX_DATA_DIR: database.dataDir, ...options.env })
  const connection = connect(config.db.url, { onQuery: options.onQuery })
  await migrateToLatest(connection.db, openSecretBox(config))
  const services = createServices(config, connection, {
    chains: await checkLiveChains(config),
    wallet: await openWallet(config, connection.db),
  })
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
    database,
    url,
    shopId: shop.shop.id,
    testKey: shop.keys.test,
    liveKey: shop.keys.live,
    close: async () => {
      await app.close()
      await worker?.stop()
      await closeServices(services)
      await database.drop()
    },
  }
}

/** Another sx on the same database with extra settings (e.g. the read cache turned off). */
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

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

/** Collects the in-process worker's errors; `check()` throws if there were any. */
export function workerErrors(run: string): WorkerErrors & { check(): void } {
  const errors: string[] = []
  return {
    onError: (error, context) => void errors.push(`${String(error)} ${JSON.stringify(context)}`),
    check: () => {
      if (errors.length > 0)
        throw new Error(`${run}: the worker reported ${errors.length} error(s): ${errors.slice(0, 3).join(' | ')}`)
    },
  }
}
