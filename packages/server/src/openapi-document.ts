// The OpenAPI document as the running app serves it, built without a database or a listener.
import { buildApp } from './app.ts'
import { loadConfig } from './config.ts'
import { connect } from './db/connect.ts'
import { closeServices, createServices } from './services.ts'

export async function generateOpenApiDocument(): Promise<string> {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' })
  const services = createServices(config, connect(config.db.url))
  const app = await buildApp(services)
  try {
    await app.ready()
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
    await closeServices(services)
  }
}
