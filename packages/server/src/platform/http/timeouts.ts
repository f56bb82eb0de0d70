// Slow clients. A request's headers must arrive within REQUEST_TIMEOUT_MS, and then its body
// within REQUEST_TIMEOUT_MS (UPLOAD_TIMEOUT_MS on routes that take large bodies); otherwise the
// client gets a 408 problem and the connection is closed, so a trickle of bytes cannot hold a connection.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { writeSocketProblem } from './error-handler.ts'
import { addRouteHook } from './route-hooks.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Takes large bodies (stock import, file upload): its body may take UPLOAD_TIMEOUT_MS to arrive. */
    largeBody?: boolean
  }
}

/** The deadlines (config.ts's `http` group, or any object with these fields). */
export type HttpDeadlines = Readonly<{ requestTimeoutMs: number; uploadTimeoutMs: number }>

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * fastify server options. Node enforces the headers deadline itself and, as a backstop, drops any
 * request still incomplete after the longest deadline; the per-route body deadlines are ours
 * (Node has one request timeout for the whole server). Node looks at connections every second.
 */
export function serverTimeouts(http: HttpDeadlines) {
  const longest = Math.max(http.requestTimeoutMs, http.uploadTimeoutMs)
  return {
    requestTimeout: longest,
    http: {
      requestTimeout: longest,
      headersTimeout: http.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, http.requestTimeoutMs),
    },
  }
}

export function registerBodyDeadlines(app: FastifyInstance, http: HttpDeadlines): void {
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().some((method) => BODY_METHODS.has(method))) return
    addRouteHook(
      route,
      'onRequest',
      bodyDeadline(route.config?.largeBody ? http.uploadTimeoutMs : http.requestTimeoutMs),
    )
  })
}

function bodyDeadline(ms: number) {
  return function startBodyDeadline(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
    const raw = request.raw
    // Already whole (most bodies come with their headers), or an injected request with no socket.
    if (raw.complete !== false) return done()
    const timer = setTimeout(() => {
      if (raw.complete) return
      request.log.info({ timeout_ms: ms }, 'request body too slow: connection closed')
      writeSocketProblem(
        raw.socket,
        'request_timeout',
        `The request body did not arrive within ${ms} ms.`,
        request.url.split('?')[0]!,
        request.id,
      )
    }, ms)
    timer.unref()
    const stop = () => clearTimeout(timer)
    raw.once('end', stop)
    raw.once('close', stop)
    done()
  }
}
