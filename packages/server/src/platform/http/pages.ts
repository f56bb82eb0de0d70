// Buyers follow links from emails with a browser: outside /v1, a GET or HEAD whose Accept header
// prefers HTML gets a page, also when it fails. The API (/v1) always answers JSON and problem+json.
import type { FastifyReply, FastifyRequest } from 'fastify'

/** Whether this request should be answered with an HTML page rather than JSON. */
export function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const path = request.url.split('?')[0] ?? '/'
  if (path === '/v1' || path.startsWith('/v1/')) return false
  return prefersHtml(request.headers.accept)
}

/** text/html is listed, and weighted at least as high as JSON (browsers send `text/html,…,*\/*;q=0.8`). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  let html = 0
  let json = 0
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range
      .trim()
      .toLowerCase()
      .split(';')
      .map((part) => part.trim())
    const q = params.find((param) => param.startsWith('q='))
    const weight = q === undefined ? 1 : Number(q.slice(2))
    if (!(weight > 0)) continue
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, weight)
    if (type === 'application/json' || type === 'application/problem+json') json = Math.max(json, weight)
  }
  return html > 0 && html >= json
}

/** Sends a page with the headers every buyer-facing page carries (never cached, no referrer). */
export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
    .type('text/html; charset=utf-8')
    .send(html)
}
