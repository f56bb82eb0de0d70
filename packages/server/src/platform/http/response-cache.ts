// Cached answers for hot GET routes, never stale: a route names how to read the version of the
// data it shows (`config.versionedBy`); the version is read before the handler runs, the answer's
// bytes are stored under it, and a later request with the same version gets those bytes. Any
// write bumps the version in its own transaction, on whichever instance it ran.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/database.ts'
import type { VersionedCache } from '../versioned-cache.ts'
import { addRouteHook } from './route-hooks.ts'

export type VersionReader = (db: Db, scope: { shopId: string; livemode: boolean }) => Promise<number>

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache this GET's answers per shop, mode and URL, valid while this version holds. */
    versionedBy?: VersionReader
  }
  interface FastifyRequest {
    cacheSlot: { key: string; version: number } | null
  }
}

export function registerResponseCache(app: FastifyInstance, db: Db, cache: VersionedCache): void {
  app.decorateRequest('cacheSlot', null)
  app.addHook('onRoute', (route) => {
    const readVersion = route.config?.versionedBy
    if (!readVersion || route.method !== 'GET') return

    addRouteHook(route, 'preHandler', async function serveCached(request: FastifyRequest, reply: FastifyReply) {
      const auth = request.auth!
      // Read before the handler queries: what it reads is then at least as new as this version.
      const version = await readVersion(db, auth)
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
