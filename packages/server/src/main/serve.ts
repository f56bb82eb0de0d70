// `sx serve`: migrate, seed a demo shop on an empty database, listen (with the job worker in
// process unless SX_WORKER=off), and shut down gracefully. `sx worker`: the worker alone.
import type { Config } from '../config.ts'
import { buildApp } from '../app.ts'
import { connect } from '../db/connect.ts'
import type { Db } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { hasAnyShop, seedDemoShop } from '../modules/shops/index.ts'
import { closeServices, createServices, openSecretBox, type Services } from '../services.ts'
import { startWorker, type Worker } from '../worker.ts'

export async function serve(config: Config): Promise<void> {
  const connection = connect(config.db.url)
  await migrateToLatest(connection.db, openSecretBox(config))
  const services = createServices(config, connection)
  const app = await buildApp(services)

  if (config.demoSeed) await seedDemoIfEmpty(connection.db, config.http.publicUrl)
  const worker = config.jobs.inProcess ? startWorker(services, (error, context) => app.log.error({ err: error, ...context }, 'job failed')) : null
  onSignal(async () => {
    app.log.info('shutting down')
    await app.close()
    await stopAll(services, worker)
  })
  await app.listen({ host: config.http.host, port: config.http.port })
}

export async function work(config: Config): Promise<void> {
  const connection = connect(config.db.url)
  await migrateToLatest(connection.db, openSecretBox(config))
  const services = createServices(config, connection)
  const worker = startWorker(services, (error, context) => services.log.error({ err: error, ...context }, 'job failed'))
  services.log.info('sx worker running')
  onSignal(() => stopAll(services, worker))
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
async function seedDemoIfEmpty(db: Db, publicUrl: string): Promise<void> {
  if (await hasAnyShop(db)) return
  // Two instances starting on one empty database race to seed; the loser finds the winner's shop.
  const demo = await seedDemoShop(db, Date.now()).catch(async (error) => {
    if (await hasAnyShop(db)) return null
    throw error
  })
  if (!demo) return
  // Printed once, on the start that creates it: the secrets are not stored in readable form.
  process.stdout.write(
    `\n  Demo shop created.\n  Owner login: ${demo.owner.email} / ${demo.owner.password}\n` +
      `  Test key:    ${demo.keys.test}\n  Try: curl -H "Authorization: Bearer ${demo.keys.test}" ${publicUrl}/v1/products\n\n`,
  )
}
