import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { randomBase62, sha256Hex } from '../../platform/crypto.ts'
import { AppError, invalidFields, notFound } from '../../platform/errors.ts'
import { SECRET_LENGTH, type Ability } from '../../platform/http/auth.ts'
import { readPage, toList, type PageQuery } from '../../platform/pagination.ts'
import { isId, newId } from '../../platform/ids.ts'
import type { CreateApiKeyBody, CreatedApiKey } from './keys.schemas.ts'
import { toApiKey } from './keys.mappers.ts'
import * as repo from './keys.repository.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'config' | 'db' | 'clock' | 'keyUsage' | 'dialect'>

/** Mints a key and returns its secret. Used by the API and by `sx init` (which has no calling key). */
export async function mintApiKey(
  db: DbOrTrx,
  input: { shopId: string; livemode: boolean; name: string; abilities: readonly Ability[]; now: number },
): Promise<CreatedApiKey & { secret: string }> {
  const secret = `sx_${input.livemode ? 'live' : 'test'}_${randomBase62(SECRET_LENGTH)}`
  const row = {
    id: newId('apiKey'),
    shop_id: input.shopId,
    livemode: input.livemode ? 1 : 0,
    name: input.name,
    abilities: JSON.stringify(input.abilities),
    secret_hash: sha256Hex(secret),
    secret_hint: `${secret.slice(0, 8)}…${secret.slice(-4)}`,
    created_at: input.now,
    revoked_at: null,
    last_used_at: null,
  }
  await repo.insertApiKey(db, row)
  return { ...toApiKey(row), secret }
}

export async function createApiKey(
  services: Deps,
  ctx: RequestContext,
  body: CreateApiKeyBody,
): Promise<CreatedApiKey> {
  const { auth } = ctx
  const livemode = body.mode === undefined ? auth.livemode : body.mode === 'live'
  // "Live or sandbox": a live key may mint sandbox keys; a test key minting a live one would be a privilege jump.
  if (livemode && !auth.livemode) throw invalidFields({ mode: ['a test-mode key cannot mint live-mode keys'] })
  const beyond = body.abilities.filter((a) => !auth.abilities.has(a))
  if (beyond.length > 0)
    throw new AppError('forbidden_scope', `A key cannot grant abilities it does not hold: ${beyond.join(', ')}.`)
  const max = services.config.keys.maxActive
  return ctx.transact(async (trx) => {
    // A client minting in a loop (a bug, or a leaked key) would otherwise grow the key table without end.
    if ((await repo.countActiveApiKeysLocked(trx, services.dialect, { shopId: auth.shopId, livemode })) >= max) {
      throw new AppError(
        'conflict',
        `This shop already has ${max} active ${livemode ? 'live' : 'test'}-mode API keys; revoke one before minting another.`,
      )
    }
    return mintApiKey(trx, {
      shopId: auth.shopId,
      livemode,
      name: body.name,
      abilities: body.abilities,
      now: services.clock.now(),
    })
  })
}

export async function listApiKeys(services: Deps, ctx: RequestContext, query: PageQuery) {
  const page = readPage(query, 'api-keys')
  // Show this instance's buffered usage too; other instances' arrives within their flush interval.
  await services.keyUsage.flush()
  const rows = await repo.listActiveApiKeys(services.db, ctx.auth, page.afterId, page.limit)
  return toList(rows, page, toApiKey)
}

export async function revokeApiKey(services: Deps, ctx: RequestContext, id: string) {
  const revoked = isId('apiKey', id) && (await repo.revokeApiKey(services.db, ctx.auth, id, services.clock.now()))
  if (!revoked) throw notFound('API key', id)
  return { id, revoked: true as const }
}
