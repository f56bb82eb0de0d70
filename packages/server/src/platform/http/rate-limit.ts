// Per-key (and per-session) budgets, reads (GET/HEAD) and writes (everything else) counted apart, in fixed windows.
// Counting is @fastify/rate-limit's (its Redis store shares budgets across instances); this file
// only chooses the budget and writes the IETF draft headers (RateLimit-Policy / RateLimit).
import rateLimitPlugin from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { AppError } from '../errors.ts'

type Budget = 'reads' | 'writes'
type Limiter = (request: FastifyRequest) => Promise<{ remaining: number; ttlInSeconds: number; isExceeded: boolean }>

/** The per-key budgets (config.ts's `rateLimit` group carries these and more). */
export type KeyBudgets = Readonly<{ readsPerWindow: number; writesPerWindow: number; windowSeconds: number }>

export type RateLimitCheck = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

export async function registerRateLimits(
  app: FastifyInstance,
  config: KeyBudgets,
  redis: Redis | null,
  keyPrefix: string,
): Promise<RateLimitCheck> {
  await app.register(rateLimitPlugin, {
    global: false,
    skipOnError: false,
    ...(redis ? { redis, nameSpace: `${keyPrefix}rl:` } : {}),
  })
  const quotas: Record<Budget, number> = { reads: config.readsPerWindow, writes: config.writesPerWindow }
  const limiters = Object.fromEntries(
    (['reads', 'writes'] as const).map((budget) => [
      budget,
      app.createRateLimit({
        max: quotas[budget],
        timeWindow: config.windowSeconds * 1000,
        keyGenerator: (request) => `${request.auth!.actor.id}:${budget}`,
      }) as Limiter,
    ]),
  ) as Record<Budget, Limiter>

  return async function checkRateLimit(request, reply) {
    const budget: Budget = request.method === 'GET' || request.method === 'HEAD' ? 'reads' : 'writes'
    let state: Awaited<ReturnType<Limiter>>
    try {
      state = await limiters[budget](request)
    } catch (error) {
      throw new AppError('unavailable', 'Rate limiting is unavailable; try again shortly.', {
        headers: { 'retry-after': '5' },
        cause: error,
      })
    }
    const resetSeconds = Math.max(0, state.ttlInSeconds)
    reply.header('ratelimit-policy', `"${budget}";q=${quotas[budget]};w=${config.windowSeconds}`)
    reply.header('ratelimit', `"${budget}";r=${state.remaining};t=${resetSeconds}`)
    if (state.isExceeded) {
      throw new AppError(
        'rate_limited',
        `Over the ${budget} budget of ${quotas[budget]} requests per ${config.windowSeconds} s for this ${request.auth!.actor.type === 'api_key' ? 'API key' : 'session'}.`,
        {
          headers: { 'retry-after': String(Math.max(1, resetSeconds)) },
        },
      )
    }
  }
}
