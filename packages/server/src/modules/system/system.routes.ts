// Operational endpoints, no auth: liveness, readiness (database and, when configured, Redis
// reachable) and Prometheus metrics.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { AppError } from '../../platform/errors.ts'
import { problemResponse } from '../../platform/http/schemas.ts'
import type { Registry } from 'prom-client'

const StatusSchema = Type.Object({ status: Type.Literal('ok') }, { description: 'OK' })
const ReadySchema = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
    chains: Type.Optional(
      Type.Array(Type.Object({ chain: Type.String(), reason: Type.String() }), {
        description: 'The configured chains whose node does not answer now (live payments on them wait).',
      }),
    ),
  },
  { description: 'Ready; `degraded` names the chains whose node does not answer' },
)
const tags = ['System']

export const systemRoutes: FastifyPluginAsyncTypebox<{ metrics: Registry }> = async (app, { metrics }) => {
  app.get(
    '/healthz',
    {
      schema: { operationId: 'healthz', tags, summary: 'Process is up', response: { 200: StatusSchema } },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'readyz',
        tags,
        summary: 'Database (and Redis, when configured) reachable',
        description:
          'With REDIS_URL set, every /v1 route needs Redis for its rate limits, so an unreachable Redis makes the instance not ready. ' +
          'A configured chain whose node does not answer leaves the instance ready (the API works; live payments on that chain wait) and is named under `degraded`.',
        response: { 200: ReadySchema, 503: problemResponse(503) },
      },
    },
    async () => {
      const { db, redis } = app.services
      try {
        await sql`select 1`.execute(db)
      } catch (error) {
        throw new AppError('unavailable', 'The database is not reachable.', {
          headers: { 'retry-after': '5' },
          cause: error,
        })
      }
      try {
        // The client's command timeout (500 ms) bounds this during an outage.
        if (redis) await redis.ping()
      } catch (error) {
        throw new AppError(
          'unavailable',
          'Redis (REDIS_URL) is not reachable: rate-limited routes answer 503 until it is.',
          { headers: { 'retry-after': '5' }, cause: error },
        )
      }
      const chains = await app.services.chainHealth.degraded()
      return chains.length > 0 ? { status: 'degraded' as const, chains } : { status: 'ok' as const }
    },
  )

  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'metrics',
        tags,
        summary: 'Prometheus metrics',
        description:
          'Process metrics and `sx_http_request_duration_seconds` by method, route and status, in the Prometheus text format.',
        response: { 200: { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      reply.type(metrics.contentType)
      return metrics.metrics()
    },
  )
}
