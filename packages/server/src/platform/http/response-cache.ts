// Cached answers for hot GET routes, never stale: a route names the version of the data it shows
// (`config.versionedBy`); the key lookup reads that version in its own statement, before the
// handler runs; the answer's bytes are stored under it, and a later request with the same version
// gets those bytes. Any write bumps the version in its own transaction, on whichever instance it ran.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Expression } from 'kysely'
import type { VersionedCache } from '../versioned-cache.ts'
import { addRouteHook } from './route-hooks.ts'

/**
 * The version of what a route shows, as an expression over the API key row's shop and mode: the
 * key lookup selects it next to the key, so a cached answer costs one statement (one round trip,
 * one snapshot). Null when the data has no version row yet (read as 0).
 */
export type VersionOfKeyScope = (key: {
  shopId: Expression<string>
  livemode: Expression<number>
}) => Expression<number | null>

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache this GET's answers per shop, mode and URL, valid while this version holds. */
    versionedBy?: VersionOfKeyScope
  }
  interface FastifyRequest {
    /** The route's version, read with the caller's key (null when the route has none or the cache is off). */
    dataVersion: number | null
    cacheSlot: { key: string; version: number } | null
  }
}

/** With the cache off (no entries) no hook is added, and the pipeline reads no version at all. */
export function registerResponseCache(app: FastifyInstance, cache: VersionedCache): void {
  app.decorateRequest('dataVersion', null)
  app.decorateRequest('cacheSlot', null)
  if (!cache.enabled) return
  app.addHook('onRoute', (route) => {
    if (!route.config?.versionedBy || route.method !== 'GET') return

    addRouteHook(route, 'preHandler', async function serveCached(request: FastifyRequest, reply: FastifyReply) {
      const auth = request.auth!
      // Read with the key, before the handler queries: what it reads is then at least as new.
      const version = request.dataVersion
      if (version === null) return
      const key = `${auth.shopId}:${auth.livemode}:${request.url}`
      const hit = cache.get<string>(key, version)
      if (hit !== undefined) return reply.type('application/json; charset=utf-8').send(hit)
      request.cacheSlot = { key, version }
    })
    addRouteHook(
      route,
      'onSend',
      async function storeAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
        const slot = request.cacheSlot
        // HEAD shares this route's hooks but carries no body: only a GET's answer is stored.
        if (slot && request.method === 'GET' && reply.statusCode === 200 && typeof payload === 'string')
          cache.set(slot.key, slot.version, payload)
        return payload
      },
    )
  })
}
