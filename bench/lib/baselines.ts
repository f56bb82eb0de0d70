// The floors sx's list is compared with: bare fastify answering from memory, and bare fastify
// doing only the database work the answer needs (on either dialect).
import Fastify from 'fastify'
import { POOL_TYPES } from '../../packages/server/src/modules/catalog/catalog.schemas.ts'
import type { ProductsTable } from '../../packages/server/src/modules/catalog/catalog.table.ts'
import { sha256Hex } from '../../packages/server/src/platform/crypto.ts'
import { listen } from './boot.ts'
import { openReader } from './databases.ts'

/** A fastify app with no plugins whose one route answers `body` from memory (the framework's floor). */
export async function startBaseline(body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false })
  app.get('/baseline', async () => body)
  const url = await listen(app)
  return { url: `${url}/baseline`, close: () => app.close() }
}

/** What the list SQL below selects: the product's row (`p.*`) and its pool count. */
type ProductRow = ProductsTable & { pool_stock: number }

const FIND_KEY = 'select shop_id, livemode from api_keys where secret_hash = ? and revoked_at is null'
const LIST_PRODUCTS = `select p.*, (select count(*) from stock_items s where s.product_id = p.id and s.status = 'available')
  as pool_stock from products p where p.shop_id = ? and p.livemode = ? order by p.id desc limit ?`

/**
 * The floor for a database-backed list: bare fastify doing only what the answer needs — one
 * prepared key lookup, the same list SQL as sx through a connection of its own (SQLite: a
 * read-only better-sqlite3 handle; PostgreSQL: a pg pool of 10, as sx's, with named statements),
 * a hand-written mapping. sx's distance from it is sx's own overhead.
 */
export async function startDbBaseline(dbUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const db = openReader(dbUrl, 10)
  const app = Fastify({ logger: false })
  app.get('/baseline-db', async (request, reply) => {
    const secret = request.headers.authorization?.replace(/^Bearer /, '') ?? ''
    const [key] = await db.all<{ shop_id: string; livemode: number }>(FIND_KEY, [sha256Hex(secret)], 'bench_key')
    if (!key) return reply.code(401).send({ error: 'unauthenticated' })
    const rows = await db.all<ProductRow>(LIST_PRODUCTS, [key.shop_id, key.livemode, 26], 'bench_list')
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
      // The seeded products have no image (a hand-written mapping of one would be the same string work).
      image_url: null,
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
      await db.close()
    },
  }
}
