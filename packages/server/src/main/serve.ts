// `sx serve`: migrate, seed a demo shop on an empty database, listen, then start the job worker
// (in process unless SX_WORKER=off), and shut down gracefully. `sx worker`: the worker alone.
// A start that cannot listen closes everything it opened and fails with one line (StartupError).
import type { Config } from '../config.ts'
import { buildApp } from '../app.ts'
import { openDatabase, type Connection } from '../db/connect.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { hasAnyShop, seedDemoShop, shopUrl } from '../modules/shops/index.ts'
import { closeServices, createServices, openSecretBox, type Services } from '../services.ts'
import { startWorker, type Worker } from '../worker.ts'
import type { EvmAdapter } from '../modules/chains/index.ts'
import { openWallet } from './live.ts'

/** A start that failed for a reason the operator can fix; the CLI prints the message alone. */
export class StartupError extends Error {}

/** `chains`: the adapters the start check connected (one per configured chain, for the whole process). */
export async function serve(config: Config, chains: readonly EvmAdapter[]): Promise<void> {
  const connection = await openMigrated(config)
  const services = createServices(config, connection, { chains, wallet: await openWallet(config, connection.db) })
  const app = await buildApp(services)
  // Signals are handled from before the port opens: a SIGTERM that arrives as soon as "Server
  // listening" is printed must shut down gracefully, not kill the process with the default action.
  let worker: Worker | null = null
  let stopping = false
  onSignal(async () => {
    stopping = true
    app.log.info('shutting down')
    await app.close()
    await stopAll(services, worker)
  })
  try {
    if (config.demoSeed) await seedDemoIfEmpty(services, config.http.publicUrl)
    await app.listen({ host: config.http.host, port: config.http.port })
  } catch (error) {
    if (stopping) return
    await app.close()
    await closeServices(services)
    throw listenFailure(error, config.http) ?? error
  }
  // Only once the server listens: a start that fails leaves no worker running jobs behind.
  if (stopping) return
  worker = config.jobs.inProcess
    ? startWorker(
        services,
        (error, context) => app.log.error({ err: error, ...context }, 'job failed'),
        (message) => app.log.warn(message),
      )
    : null
}

export async function work(config: Config, chains: readonly EvmAdapter[]): Promise<void> {
  // Signals are handled from the first instant, as in serve: a SIGTERM that arrives while the
  // worker is still migrating or connecting waits for the start, then stops what it opened.
  const started = startWorking(config, chains)
  onSignal(async () => {
    const running = await started.catch(() => null)
    if (running) await stopAll(running.services, running.worker)
  })
  await started
}

async function startWorking(
  config: Config,
  chains: readonly EvmAdapter[],
): Promise<{ services: Services; worker: Worker }> {
  const connection = await openMigrated(config)
  const services = createServices(config, connection, { chains, wallet: await openWallet(config, connection.db) })
  const worker = startWorker(
    services,
    (error, context) => services.log.error({ err: error, ...context }, 'job failed'),
    (message) => services.log.warn(message),
  )
  services.log.info('sx worker running')
  return { services, worker }
}

async function openMigrated(config: Config): Promise<Connection> {
  const connection = await openDatabase(config.db.url)
  try {
    await migrateToLatest(connection.db, openSecretBox(config))
    return connection
  } catch (error) {
    await connection.db.destroy().catch(() => {})
    throw error
  }
}

/** The one line an operator needs when the address cannot be taken, or null for anything else. */
function listenFailure(error: unknown, http: Config['http']): StartupError | null {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'EADDRINUSE')
    return new StartupError(`port ${http.port} is in use on ${http.host}; stop what uses it or set PORT`)
  if (code === 'EACCES') return new StartupError(`not allowed to listen on port ${http.port}; set PORT above 1023`)
  if (code === 'EADDRNOTAVAIL')
    return new StartupError(`HOST ${http.host} is not an address of this machine; set HOST (default 127.0.0.1)`)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL')
    return new StartupError(`HOST ${http.host} does not resolve to an address; set HOST (default 127.0.0.1)`)
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
    return new StartupError(`cannot listen on ${http.host}:${http.port} (${code})`)
  return null
}

/** Stops on SIGINT/SIGTERM: running jobs finish (a job cut short is taken over after its lease). */
function onSignal(stop: () => Promise<void>): void {
  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    await stop()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown())
  process.once('SIGTERM', () => void shutdown())
}

async function stopAll(services: Services, worker: Worker | null): Promise<void> {
  await worker?.stop()
  await closeServices(services)
}

/** Seeds the demo shop on an empty database and prints its login and test key, once. */
async function seedDemoIfEmpty(services: Services, publicUrl: string): Promise<void> {
  const { db, secretBox, config } = services
  if (await hasAnyShop(db)) return
  // Two instances starting on one empty database race to seed; the loser finds the winner's shop.
  const demo = await seedDemoShop(db, secretBox, config.dataDir, Date.now()).catch(async (error) => {
    if (await hasAnyShop(db)) return null
    throw error
  })
  if (!demo) return
  // Printed once, on the start that creates it: the secrets are not stored in readable form.
  process.stdout.write(
    `\n  Demo shop created.\n  Owner login: ${demo.owner.email} / ${demo.owner.password}\n` +
      `  Shop:        ${shopUrl(publicUrl, demo.shop.slug)}\n` +
      `  Dashboard:   ${publicUrl}/dashboard\n` +
      `  Test key:    ${demo.keys.test}\n  Try: curl -H "Authorization: Bearer ${demo.keys.test}" ${publicUrl}/v1/products\n\n`,
  )
}
