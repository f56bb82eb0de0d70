// The shop settings the merchant edits through /v1/shop: what buyers are shown (name, support
// address, logo, colour), and the storefront (slug, public mode, custom domain, payment methods).
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import { AppError, invalidFields, type FieldErrors } from '../../platform/errors.ts'
import { offeredMethods, type PaymentMethod } from '../payments/index.ts'
import type { PaymentMethods, UpdateShopBody } from './shops.schemas.ts'
import { toShop } from './shops.mappers.ts'
import * as repo from './shops.repository.ts'

type Deps = Pick<Services, 'db' | 'config' | 'payments'>

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/

export async function getShop(services: Deps, ctx: RequestContext) {
  const row = await repo.findShop(services.db, ctx.auth.shopId)
  if (!row) throw new AppError('not_found', 'This shop no longer exists.')
  return toShop(row, services.config.http.publicUrl, await offeredByMode(services))
}

/** What each mode's provider takes now: every sandbox pair; the configured live pairs (none without a live rail). */
export async function offeredByMode(services: Pick<Services, 'payments'>): Promise<PaymentMethods> {
  const [test, live] = await Promise.all([
    offeredMethods(services.payments.sandbox),
    offeredMethods(services.payments.live),
  ])
  return { test, live }
}

export async function updateShop(services: Deps, ctx: RequestContext, body: UpdateShopBody) {
  const { payment_methods: methods, custom_domain: domain, ...rest } = body
  const changes: repo.ShopChanges = {
    ...rest,
    ...(rest.name === undefined ? {} : { name: rest.name.trim() }),
    ...(domain === undefined ? {} : { custom_domain: domain === null ? null : domain.trim().toLowerCase() }),
  }
  const errors: FieldErrors = {}
  if (changes.name === '') errors.name = ['must not be blank']
  if (body.logo_url && !isPlainHttpsUrl(body.logo_url)) errors.logo_url = ['must be an https URL without credentials']
  if (changes.custom_domain) {
    const publicHost = new URL(services.config.http.publicUrl).hostname
    if (!HOSTNAME.test(changes.custom_domain))
      errors.custom_domain = ['must be a hostname such as shop.example.com (no scheme, port or path)']
    else if (changes.custom_domain === publicHost)
      errors.custom_domain = ["is this server's own PUBLIC_URL host; name a domain of the shop's own"]
  }
  const offered = await offeredByMode(services)
  for (const mode of ['test', 'live'] as const) {
    const list = methods?.[mode]
    if (list === undefined) continue
    const column = mode === 'test' ? 'payment_methods_test' : 'payment_methods_live'
    if (list === null) {
      changes[column] = null
      continue
    }
    const unknown = list.filter((m) => !offered[mode].some((o) => o.chain === m.chain && o.asset === m.asset))
    if (unknown.length > 0)
      errors[`payment_methods.${mode}`] = [
        `${unknown.map(describe).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not offered in ${mode} mode on this server${offered[mode].length === 0 ? ' (none is: no live payment rail is configured)' : ''}`,
      ]
    changes[column] = JSON.stringify(dedupe(list))
  }
  if (Object.keys(errors).length > 0) throw invalidFields(errors)
  if (changes.storefront_mode === 'live' && offered.live.length === 0)
    throw new AppError(
      'conflict',
      'The shop cannot go live: no live payment rail is configured on this server (SX_RPC_<CHAIN> and the operator wallet), so live buyers could not pay. It stays in test mode.',
    )

  try {
    return await ctx.transact(async (trx) => {
      for (const column of ['slug', 'custom_domain'] as const) {
        const value = changes[column]
        if (value && (await repo.isTakenByAnother(trx, column, value, ctx.auth.shopId)))
          throw new AppError('conflict', `Another shop has the ${column.replace('_', ' ')} ${value}.`)
      }
      await repo.updateShop(trx, ctx.auth.shopId, changes)
      return getShop({ ...services, db: trx }, ctx)
    })
  } catch (error) {
    // Two shops claiming one slug or domain at once: the unique index decides.
    if (isUniqueViolation(error))
      throw new AppError('conflict', 'Another shop has just taken this slug or custom domain.')
    throw error
  }
}

function describe(method: PaymentMethod): string {
  return `${method.asset} on ${method.chain}`
}

function dedupe(list: PaymentMethod[]): PaymentMethod[] {
  return list.filter((m, i) => list.findIndex((o) => o.chain === m.chain && o.asset === m.asset) === i)
}

/** An https URL a browser can load without credentials in it (they would be shown to every buyer). */
function isPlainHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' && !url.username && !url.password && !!url.hostname
  } catch {
    return false
  }
}
