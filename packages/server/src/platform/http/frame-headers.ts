// Framing: only routes marked `frameable` (the buy button's embed routes) may be shown in another
// site's frame; every other answer (pages, API, errors, 404s) refuses it with both headers:
// `X-Frame-Options: DENY` for old browsers and CSP `frame-ancestors 'none'`, added to the route's
// own policy when it has one.
import type { FastifyInstance } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The answer may be framed by any site (it sets `frame-ancestors *` itself). */
    frameable?: boolean
  }
}

export function registerFrameHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.config?.frameable && reply.statusCode < 400) return payload
    reply.header('x-frame-options', 'DENY')
    const policy = reply.getHeader('content-security-policy')
    if (policy === undefined) reply.header('content-security-policy', "frame-ancestors 'none'")
    else if (!/frame-ancestors/.test(String(policy)))
      reply.header('content-security-policy', `${String(policy)}; frame-ancestors 'none'`)
    else if (/frame-ancestors \*/.test(String(policy)))
      reply.header('content-security-policy', String(policy).replace(/frame-ancestors \*/, "frame-ancestors 'none'"))
    return payload
  })
}
