// Stock import for pool products. The whole import is one transaction: all items land or none.
// Items are stored sealed (SX_SECRET) and told apart by a keyed digest, so a copy of the database
// shows neither the goods nor a hash that guesses could be checked against.
import type { Insertable } from 'kysely'
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { invalidFields, type FieldErrors } from '../../platform/errors.ts'
import { newId } from '../../platform/ids.ts'
import { POOL_TYPES, type ImportStockBody } from './catalog.schemas.ts'
import * as repo from './catalog.repository.ts'
import type { StockItemsTable } from './catalog.table.ts'
import { emitProductEvent, loadProduct } from './products.service.ts'
import { publishCatalogChanges } from './versions.repository.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'clock' | 'secretBox' | 'config'>

const MAX_REPORTED = 20

export async function importStock(services: Deps, ctx: RequestContext, productId: string, body: ImportStockBody) {
  const unique = normalizeItems(body.items, services.secretBox)
  return publishCatalogChanges(ctx.transact)(async (trx) => {
    const product = await loadProduct(trx, ctx.auth, productId)
    if (!POOL_TYPES.has(product.type)) {
      throw invalidFields({
        items: [`${product.type} products do not take stock items; only license_key and account products do`],
      })
    }
    const now = services.clock.now()
    // Sealing costs more than the rest of an item's import: items the pool already holds (a list
    // imported again) are not sealed only to be skipped. The unique index still decides for items
    // a concurrent import adds meanwhile.
    const known = await repo.knownStockDigests(
      trx,
      productId,
      unique.map(([hash]) => hash),
    )
    const rows = unique
      .filter(([hash]) => !known.has(hash))
      .map(([hash, value]) => sealedStockItem(services.secretBox, ctx.auth, productId, value, now, hash))
    const imported = await repo.insertStockItems(trx, rows)
    const stockAfter = await repo.countAvailableStock(trx, productId)
    if (imported > 0) {
      await repo.updateProduct(trx, ctx.auth, productId, { updated_at: now })
      await emitProductEvent(trx, services, ctx.auth, productId, 'product.updated', now)
    }
    return { imported, duplicates: body.items.length - imported, stock_after: stockAfter }
  })
}

/** A new available pool item as every writer stores it (import, demo seed, bench): sealed, keyed by its digest. */
export function sealedStockItem(
  box: SecretBox,
  scope: { shopId: string; livemode: boolean },
  productId: string,
  value: string,
  now: number,
  digest = box.digest(value),
): Insertable<StockItemsTable> {
  return {
    id: newId('stockItem'),
    shop_id: scope.shopId,
    livemode: scope.livemode ? 1 : 0,
    product_id: productId,
    value: box.seal(value),
    value_hash: digest,
    status: 'available',
    order_id: null,
    created_at: now,
  }
}

/** Trims items, rejects blank ones, and folds repeats; returns [digest, value] pairs sorted by digest. */
function normalizeItems(items: string[], box: SecretBox): [string, string][] {
  const byHash = new Map<string, string>()
  const errors: FieldErrors = {}
  items.forEach((raw, index) => {
    const value = raw.trim()
    if (value === '') {
      if (Object.keys(errors).length < MAX_REPORTED) errors[`items.${index}`] = ['must not be blank']
      return
    }
    byHash.set(box.digest(value), value)
  })
  if (Object.keys(errors).length > 0) throw invalidFields(errors)
  // One lock order for every import: concurrent imports of overlapping items cannot deadlock.
  return [...byHash.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}
