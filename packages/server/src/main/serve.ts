// `sx serve`: migrate, seed a demo shop on an empty database, listen, and shut down gracefully.
import type { Config } from '../config.ts'
import { buildApp } from '../app.ts'
import { connect } from '../db/connect.ts'
import type { Db } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { hasAnyShop, seedDemoShop } from '../modules/shops/index.ts'
import { closeServices, createServices } from '../services.ts'

export async function serve(config: Config): Promise<void> {
  const connection = connect(config.db.url)
  await migrateToLatest(connection.db)
  const services = createServices(config, connection)
  const app = await buildApp(services)

  if (config.demoSeed) await seedDemoIfEmpty(connection.db, config.http.publicUrl)

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    await closeServices(services)
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))

  await app.listen({ host: config.http.host, port: config.http.port })
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
