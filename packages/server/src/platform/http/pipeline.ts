// The request pipeline every /v1 route runs: request id → auth (API key or owner session) → ability → rate limit → (body
// parsing and validation) → idempotency → handler. Routes opt in through their `config`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../clock.ts'
import type { RequestContext } from '../context.ts'
import type { SecretBox } from '../secret-box.ts'
import type { VersionedCache } from '../versioned-cache.ts'
import { AppError } from '../errors.ts'
import { createAddressBudget, overAddressBudget } from './address-budgets.ts'
import { assertAbility, createAuthenticator, type Auth, type KeyLookup, type RouteAbility } from './auth.ts'
import {
  claimKey,
  completeKey,
  fingerprint,
  readIdempotencyKey,
  releaseKey,
  sendReplay,
  withoutShownOnce,
  type IdempotencyClaim,
} from './idempotency.ts'
import { registerRateLimits, type KeyBudgets } from './rate-limit.ts'
import { createSessionAuthenticator, readCookie, SESSION_COOKIE, type SessionLookup } from './session-auth.ts'
import { registerResponseCache } from './response-cache.ts'
import { addRouteHook } from './route-hooks.ts'
import { registerBodyDeadlines, type HttpDeadlines } from './timeouts.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The ability the caller's key must hold; routes without one are public. */
    ability?: RouteAbility
    /** Status of a successful answer, set before the handler runs (and used for stored idempotent responses). */
    successStatus?: number
    /** 400 when the Idempotency-Key header is missing (writes that move money). */
    idempotencyRequired?: boolean
    /** Secrets the success answer shows this once: left out of the stored answer, so a replay omits them (`secret_omitted: true`). */
    shownOnce?: readonly string[]
  }
  interface FastifyRequest {
    auth: Auth | null
    idempotency: IdempotencyClaim | null
    ctx: RequestContext
  }
}

const JSON_TYPE = 'application/json; charset=utf-8'

export type Pipeline = {
  /** onRequest hook of the buyer pages: a per-address budget stands in for the API key they lack. */
  buyerPageBudget(request: FastifyRequest): Promise<void>
}

/**
 * What the pipeline uses, declared here so platform names nothing above it: the composition
 * root's `Services` fits as it is.
 */
export type PipelineDeps = Readonly<{
  db: Db
  clock: Clock
  secretBox: SecretBox
  redis: Redis | null
  readCache: VersionedCache
  /** Records a key's use (`last_used_at`, buffered by the keys module). */
  keyUsage: { touch(keyId: string, at: number): void }
  /** Finds the active key for a secret's hash (implemented by the keys module). */
  findKey: KeyLookup
  /** Finds the live owner session for a cookie token's hash (implemented by the sessions module). */
  findSession: SessionLookup
  config: Readonly<{
    rateLimit: KeyBudgets & Readonly<{ anonymousPerWindow: number; buyerPagesPerWindow: number }>
    redis: Readonly<{ keyPrefix: string }>
    http: HttpDeadlines & Readonly<{ publicUrl: string }>
  }>
}>

export async function registerPipeline(app: FastifyInstance, services: PipelineDeps): Promise<Pipeline> {
  const { db, clock, secretBox } = services
  const limits = services.config.rateLimit
  app.decorateRequest('auth', null)
  app.decorateRequest('idempotency', null)
  app.decorateRequest('ctx', null as unknown as RequestContext)
  const checkRateLimit = await registerRateLimits(app, limits, services.redis, services.config.redis.keyPrefix)
  const anonymous = createAddressBudget(app, 'anon', limits.anonymousPerWindow, limits.windowSeconds)
  const authenticate = createAuthenticator(services.findKey, anonymous)
  const authenticateSession = createSessionAuthenticator(
    services.findSession,
    anonymous,
    services.config.http.publicUrl,
  )
  const buyerPages = createAddressBudget(app, 'pages', limits.buyerPagesPerWindow, limits.windowSeconds)
  registerResponseCache(app, services.readCache)
  const cacheOn = services.readCache.enabled
  registerBodyDeadlines(app, services.config.http)

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    const ability = request.routeOptions.config.ability
    if (!ability) return
    // An Authorization header wins; without one, the dashboard's session cookie is the credential
    // (its answers are not cached: no version is read with it).
    const sessionToken = request.headers.authorization ? null : readCookie(request.headers.cookie, SESSION_COOKIE)
    if (sessionToken !== null) {
      request.auth = await authenticateSession(request, sessionToken)
    } else {
      const versionOf = cacheOn ? request.routeOptions.config.versionedBy : undefined
      const { auth, version } = await authenticate(request, versionOf)
      request.auth = auth
      request.dataVersion = version
      services.keyUsage.touch(auth.actor.id, clock.now())
    }
    const auth = request.auth
    assertAbility(auth, ability)
    await checkRateLimit(request, reply)
    request.ctx = { auth, transact: (work) => transact(request, reply, work) }
  })

  // The success status and idempotency concern some routes only: attached per route, they stay
  // off the hot read path.
  app.addHook('onRoute', (route) => {
    if (route.config?.successStatus) addRouteHook(route, 'preHandler', setSuccessStatus)
    if ([route.method].flat().includes('POST') && route.config?.ability) {
      addRouteHook(route, 'preHandler', claimIdempotencyKey)
      addRouteHook(route, 'onSend', storeUnstoredResponse)
    }
  })

  async function setSuccessStatus(request: FastifyRequest, reply: FastifyReply) {
    reply.code(request.routeOptions.config.successStatus!)
  }

  async function claimIdempotencyKey(request: FastifyRequest, reply: FastifyReply) {
    const key = readIdempotencyKey(request)
    if (!key) {
      if (!request.routeOptions.config.idempotencyRequired) return
      throw new AppError('invalid_request', 'This endpoint moves money: send an Idempotency-Key header.', {
        errors: { 'Idempotency-Key': ['is required'] },
      })
    }
    const scope = { shopId: request.auth!.shopId, livemode: request.auth!.livemode ? 1 : 0, key }
    const outcome = await claimKey(db, secretBox, scope, fingerprint(request, secretBox), clock.now())
    if ('replay' in outcome) return sendReplay(reply, outcome.replay, request.id)
    request.idempotency = { ...scope, completed: false }
  }

  // Responses that did not go through `transact` (errors) are stored here: 4xx are kept for
  // replay; a 5xx frees the key so that a retry runs again.
  async function storeUnstoredResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claim = request.idempotency
    if (!claim || claim.completed) return payload
    claim.completed = true
    if (reply.statusCode >= 500 || typeof payload !== 'string') await releaseKey(db, claim)
    else
      await completeKey(db, secretBox, claim, {
        status: reply.statusCode,
        body: payload,
        contentType: String(reply.getHeader('content-type') ?? JSON_TYPE),
      })
    return payload
  }

  async function transact<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    work: Parameters<RequestContext['transact']>[0],
  ): Promise<T> {
    const claim = request.idempotency
    let stored = false
    const result = await db.transaction().execute(async (trx) => {
      const value = await work(trx)
      if (claim && !claim.completed) {
        const shownOnce = request.routeOptions.config.shownOnce
        const answer = shownOnce ? withoutShownOnce(value, shownOnce) : value
        await completeKey(trx, secretBox, claim, {
          status: reply.statusCode,
          body: String(reply.serialize(answer)),
          contentType: JSON_TYPE,
        })
        stored = true
      }
      return value
    })
    if (claim && stored) claim.completed = true
    return result as T
  }

  return {
    async buyerPageBudget(request) {
      const blocked = buyerPages.blockedFor(request)
      if (blocked > 0) throw overAddressBudget('buyer page requests', blocked)
      let over: number
      try {
        over = await buyerPages.spend(request)
      } catch (error) {
        throw new AppError('unavailable', 'Rate limiting is unavailable; try again shortly.', {
          headers: { 'retry-after': '5' },
          cause: error,
        })
      }
      if (over > 0) throw overAddressBudget('buyer page requests', over)
    },
  }
}
