// Products: create, read, list, patch and archive. Each change writes its product.* event into
// the outbox in the same transaction.
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import { invalidFields, notFound, type FieldErrors } from '../../platform/errors.ts'
import { isId, newId } from '../../platform/ids.ts'
import { recordEvent, type EventTypeOf } from '../../platform/outbox/outbox.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import { toIso } from '../../platform/clock.ts'
import {
  POOL_TYPES,
  type CreateProductBody,
  type ListProductsQuery,
  type Product,
  type UpdateProductBody,
} from './catalog.schemas.ts'
import { toProduct } from './catalog.mappers.ts'
import type { ProductWithStockRow } from './catalog.table.ts'
import * as repo from './catalog.repository.ts'
import { RESERVED_PRODUCT_SLUGS, nextFreeSlug, slugify } from './slug.ts'
import { recordOpeningStock, setCounterStock } from './counters.ts'
import { publishCatalogChanges } from './versions.repository.ts'
import { newSigningSecret } from '../../platform/signing.ts'
import { checkOutboundUrl } from '../../platform/outbound/url-guard.ts'
import { modePolicy } from '../../platform/outbound/address-policy.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'config' | 'db' | 'clock' | 'secretBox'>

/** Currencies a price (or a coupon's amount off) may be in: ISO-4217 as this Node knows them. */
export const ISO_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'))
const SLUG_ATTEMPTS = 5
type Scope = { shopId: string; livemode: boolean }

export async function createProduct(services: Deps, ctx: RequestContext, body: CreateProductBody): Promise<Product> {
  const errors: FieldErrors = {}
  if (!ISO_CURRENCIES.has(body.currency)) errors.currency = ['is not an ISO-4217 currency code']
  if (body.name.trim() === '') errors.name = ['must not be blank']
  checkStockIsSettable(body.type, body.stock, errors)
  checkTypeSettings(body.type, body, ctx.auth.livemode, errors)
  if (Object.keys(errors).length > 0) throw invalidFields(errors)
  if (body.dynamic_url !== undefined) await checkDynamicUrl(services, ctx.auth.livemode, body.dynamic_url)

  // A dynamic product signs its delivery calls with its own secret, shown once and stored sealed.
  const signingSecret = body.type === 'dynamic' ? newSigningSecret() : null
  const now = services.clock.now()
  const base = slugify(body.name)
  // Two creates with one name may race for a slug; the unique index decides and the loser retries.
  for (let attempt = 1; ; attempt++) {
    try {
      return await publishCatalogChanges(ctx.transact)(async (trx) => {
        const id = newId('product')
        const stock = POOL_TYPES.has(body.type) ? null : (body.stock ?? null)
        await repo.insertProduct(trx, {
          id,
          shop_id: ctx.auth.shopId,
          livemode: ctx.auth.livemode ? 1 : 0,
          name: body.name.trim(),
          slug: nextFreeSlug(base, [...RESERVED_PRODUCT_SLUGS, ...(await repo.slugsLike(trx, ctx.auth, base))]),
          type: body.type,
          price_cents: body.price_cents,
          currency: body.currency,
          description: body.description ?? null,
          status: body.status ?? 'active',
          stock_counter: stock,
          created_at: now,
          updated_at: now,
          archived_at: body.status === 'archived' ? now : null,
          dynamic_url: body.dynamic_url ?? null,
          signing_secret_sealed: signingSecret === null ? null : services.secretBox.seal(signingSecret),
          interval: body.interval ?? null,
          file_name: null,
          file_size: null,
          file_sha256: null,
          image_sha256: null,
          image_type: null,
        })
        await recordOpeningStock(trx, ctx.auth, id, stock, now)
        const product = await emitProductEvent(trx, services, ctx.auth, id, 'product.created', now)
        return signingSecret === null ? product : { ...product, signing_secret: signingSecret }
      })
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= SLUG_ATTEMPTS) throw error
    }
  }
}

export async function getProduct(services: Deps, ctx: RequestContext, id: string): Promise<Product> {
  return toProduct(await loadProduct(services.db, ctx.auth, id), services.config.http.publicUrl)
}

export async function listProducts(services: Deps, ctx: RequestContext, query: ListProductsQuery) {
  const filters = { status: query.status, type: query.type, stockAtMost: query.stock_at_most }
  const page = readPage(query, 'products', filters)
  const rows = await repo.listProducts(services.db, ctx.auth, filters, page.afterId, page.limit)
  return toList(rows, page, (row) => toProduct(row, services.config.http.publicUrl))
}

export async function updateProduct(services: Deps, ctx: RequestContext, id: string, body: UpdateProductBody) {
  if (body.dynamic_url !== undefined) await checkDynamicUrl(services, ctx.auth.livemode, body.dynamic_url)
  return publishCatalogChanges(ctx.transact)(async (trx) => {
    const current = await loadProduct(trx, ctx.auth, id)
    const errors: FieldErrors = {}
    if (body.name !== undefined && body.name.trim() === '') errors.name = ['must not be blank']
    if (body.stock !== undefined) checkStockIsSettable(current.type, body.stock, errors)
    if (body.dynamic_url !== undefined)
      checkTypeSettings(
        current.type,
        { dynamic_url: body.dynamic_url, interval: current.interval ?? undefined },
        ctx.auth.livemode,
        errors,
      )
    if (Object.keys(errors).length > 0) throw invalidFields(errors)

    const now = services.clock.now()
    const archivedAt =
      body.status === undefined ? current.archived_at : body.status === 'archived' ? (current.archived_at ?? now) : null
    await repo.updateProduct(trx, ctx.auth, id, {
      ...(body.name !== undefined ? { name: body.name.trim() } : {}),
      ...(body.price_cents !== undefined ? { price_cents: body.price_cents } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.dynamic_url !== undefined ? { dynamic_url: body.dynamic_url } : {}),
      archived_at: archivedAt,
      updated_at: now,
    })
    // A counter changes only with its movement (counters.ts); a pool's stock is its items.
    if (body.stock !== undefined && !POOL_TYPES.has(current.type))
      await setCounterStock(trx, ctx.auth, id, body.stock, now)
    const product = await emitProductEvent(trx, services, ctx.auth, id, 'product.updated', now)
    const changed = Object.fromEntries(Object.keys(body).map((field) => [field, product[field as keyof Product]]))
    return { id, ...changed, updated_at: product.updated_at }
  })
}

/** DELETE archives: the product stays readable (orders refer to it) with status `archived`. */
export async function archiveProduct(services: Deps, ctx: RequestContext, id: string) {
  return publishCatalogChanges(ctx.transact)(async (trx) => {
    const current = await loadProduct(trx, ctx.auth, id)
    if (current.status === 'archived' && current.archived_at !== null) {
      return { id, deleted: true as const, archived_at: toIso(current.archived_at) }
    }
    const now = services.clock.now()
    await repo.updateProduct(trx, ctx.auth, id, { status: 'archived', archived_at: now, updated_at: now })
    await emitProductEvent(trx, services, ctx.auth, id, 'product.deleted', now)
    return { id, deleted: true as const, archived_at: toIso(now) }
  })
}

/** The product in this shop and mode, or 404 (another shop's or mode's product is 404 too). */
export async function loadProduct(db: DbOrTrx, scope: Scope, id: string): Promise<ProductWithStockRow> {
  const row = isId('product', id) ? await repo.findProduct(db, scope, id) : undefined
  if (!row) throw notFound('product', id)
  return row
}

/** Re-reads the product as the API shows it and records the event carrying it. */
export async function emitProductEvent(
  trx: DbOrTrx,
  services: Pick<Services, 'secretBox' | 'config'>,
  scope: Scope,
  id: string,
  type: EventTypeOf<'product'>,
  at: number,
): Promise<Product> {
  const product = toProduct(await loadProduct(trx, scope, id), services.config.http.publicUrl)
  await recordEvent(trx, services.secretBox, {
    shopId: scope.shopId,
    livemode: scope.livemode,
    type,
    data: product,
    at,
  })
  return product
}

/** dynamic products need their endpoint (https in live mode), subscriptions their interval; other types take neither. */
function checkTypeSettings(
  type: string,
  body: { dynamic_url?: string; interval?: string },
  livemode: boolean,
  errors: FieldErrors,
): void {
  if (type === 'dynamic') {
    if (body.dynamic_url === undefined) errors.dynamic_url = ['is required for dynamic products']
    else if (!/^https?:\/\//.test(body.dynamic_url)) errors.dynamic_url = ['must be an http(s) URL']
    else if (livemode && !body.dynamic_url.startsWith('https://'))
      errors.dynamic_url = ['must be https:// in live mode']
  } else if (body.dynamic_url !== undefined) errors.dynamic_url = ['is only taken by dynamic products']
  if (type === 'subscription' && body.interval === undefined)
    errors.interval = ['is required for subscription products']
  if (type !== 'subscription' && body.interval !== undefined)
    errors.interval = ['is only taken by subscription products']
}

/** Where delivery calls may go: the same address rules as webhook URLs (checked again at connect time). */
async function checkDynamicUrl(services: Deps, livemode: boolean, url: string): Promise<void> {
  const check = await checkOutboundUrl(url, modePolicy(livemode, services.config.allowPrivateUrls))
  if (!check.ok) throw invalidFields({ dynamic_url: [check.reason] })
}

function checkStockIsSettable(type: string, stock: number | null | undefined, errors: FieldErrors): void {
  if (POOL_TYPES.has(type) && stock !== undefined && stock !== null) {
    errors.stock = [`is derived from the pool for ${type} products; import items with POST /v1/products/{id}/stock`]
  }
}
