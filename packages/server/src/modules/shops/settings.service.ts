// The shop settings the merchant edits through /v1/shop.
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { AppError, invalidFields } from '../../platform/errors.ts'
import type { UpdateShopBody } from './shops.schemas.ts'
import { toShop } from './shops.mappers.ts'
import * as repo from './shops.repository.ts'

type Deps = Pick<Services, 'db'>

export async function getShop(services: Deps, ctx: RequestContext) {
  const row = await repo.findShop(services.db, ctx.auth.shopId)
  if (!row) throw new AppError('not_found', 'This shop no longer exists.')
  return toShop(row)
}

export async function updateShop(services: Deps, ctx: RequestContext, body: UpdateShopBody) {
  if (body.logo_url) assertPlainHttpsUrl(body.logo_url)
  const changes = { ...body, ...(body.name === undefined ? {} : { name: body.name.trim() }) }
  if (changes.name === '') throw invalidFields({ name: ['must not be blank'] })
  return ctx.transact(async (trx) => {
    await repo.updateShop(trx, ctx.auth.shopId, changes)
    return getShop({ db: trx }, ctx)
  })
}

/** An https URL a browser can load without credentials in it (they would be shown to every buyer). */
function assertPlainHttpsUrl(value: string): void {
  let url: URL | null = null
  try {
    url = new URL(value)
  } catch {
    // Reported below.
  }
  if (!url || url.protocol !== 'https:' || url.username || url.password || !url.hostname)
    throw invalidFields({ logo_url: ['must be an https URL without credentials'] })
}
