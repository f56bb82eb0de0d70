import { loadConfig } from '/work/main/packages/server/src/config.ts'
import { connect } from '/work/main/packages/server/src/db/connect.ts'
import { migrateToLatest } from '/work/main/packages/server/src/db/migrate.ts'
import { createServices } from '/work/main/packages/server/src/services.ts'
import { buildApp } from '/work/main/packages/server/src/app.ts'
import { initShop } from '/work/main/packages/server/src/modules/shops/index.ts'
const config = loadConfig({ DATABASE_URL: process.env.DBURL ?? 'sqlite::memory:', LOG_LEVEL: 'error' })
const conn = connect(config.db.url)
await migrateToLatest(conn.db)
const services = createServices(config, conn)
const app = await buildApp(services)
const shop = await initShop(conn.db, { name: 'S', email: `a${Date.now()}@b.co`, now: Date.now() })
const h = { authorization: `Bearer ${shop.keys.test}` }
const show = (r: any) => console.log(r.statusCode, JSON.stringify(r.headers).slice(0, 300), r.body.slice(0, 400))
show(await app.inject({ method: 'GET', url: '/v1/products', headers: h }))
let r = await app.inject({ method: 'POST', url: '/v1/products', headers: { ...h, 'idempotency-key': 'k1' }, payload: { name: 'Adobe Key', type: 'license_key', price_cents: 100, currency: 'USD' } })
show(r)
show(await app.inject({ method: 'POST', url: '/v1/products', headers: { ...h, 'idempotency-key': 'k1' }, payload: { name: 'Adobe Key', type: 'license_key', price_cents: 100, currency: 'USD' } }))
const id = JSON.parse(r.body).id
show(await app.inject({ method: 'POST', url: `/v1/products/${id}/stock`, headers: h, payload: { items: ['a', 'b', ' a ', 'c'] } }))
show(await app.inject({ method: 'PATCH', url: `/v1/products/${id}`, headers: h, payload: { price_cents: 5 } }))
show(await app.inject({ method: 'GET', url: `/v1/products/${id}`, headers: h }))
show(await app.inject({ method: 'DELETE', url: `/v1/products/${id}`, headers: h }))
show(await app.inject({ method: 'PUT', url: `/v1/products/${id}`, headers: h }))
show(await app.inject({ method: 'POST', url: `/v1/products`, headers: { ...h, 'content-type': 'application/json' }, payload: '{bad' }))
show(await app.inject({ method: 'POST', url: `/v1/products`, headers: h, payload: { name: 'x', price_cents: '5', ammount: 1 } }))
show(await app.inject({ method: 'POST', url: `/v1/products`, headers: h, payload: { name: 'x', type: 'physical', price_cents: 5, currency: 'XYZ', ammount: 1 } }))
show(await app.inject({ method: 'GET', url: `/v1/products?limit=0`, headers: h }))
show(await app.inject({ method: 'GET', url: `/v1/nope`, headers: h }))
show(await app.inject({ method: 'GET', url: `/v1/api-keys`, headers: h }))
show(await app.inject({ method: 'GET', url: `/v1/products` }))
show(await app.inject({ method: 'GET', url: `/openapi.json` }))
show(await app.inject({ method: 'GET', url: `/docs` }))
show(await app.inject({ method: 'GET', url: `/readyz` }))
await app.close(); await services.keyUsage.stop(); await conn.db.destroy(); services.redis?.disconnect()
