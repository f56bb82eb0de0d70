// The dashboard: a client app built by packages/dashboard into dist/ (an HTML shell and hashed
// assets). The shell answers /dashboard and every deep link under it (the app routes in the
// browser); assets are immutable because their names change with their content. The app talks to
// /v1 and /auth like any client, so nothing here touches the database.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { AppError } from '../../platform/errors.ts'
import { escapeHtml } from '../storefront/index.ts'

/** packages/dashboard/dist, found from src/modules/dashboard and dist/modules/dashboard alike. */
const DIST = new URL('../../../../dashboard/dist/', import.meta.url).pathname

// Same origin only, nothing inline: the shell loads one script and one stylesheet by URL.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' }
const AssetParams = Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]+\\.(js|css)$', maxLength: 100 }) })
const DeepLinkParams = Type.Object({ '*': Type.String({ maxLength: 500 }) })

type Build = { shell: string; assets: Map<string, Buffer> }

/**
 * The built files, read once; null until `npm run build -w @sx/dashboard` (or `npm start`) made them.
 * The shell names PUBLIC_URL: signed-in writes are accepted from its origin only, so the app opened
 * at another name of this host (localhost for 127.0.0.1) says where to go instead of failing later.
 */
function readBuild(publicUrl: string): Build | null {
  if (!existsSync(join(DIST, 'index.html'))) return null
  const dir = join(DIST, 'assets')
  const assets = new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]))
  const meta = `<meta name="sx-public-url" content="${escapeHtml(publicUrl)}">\n</head>`
  return { shell: readFileSync(join(DIST, 'index.html'), 'utf8').replace('</head>', meta), assets }
}

export const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  let build: Build | null = null
  const current = () => {
    build ??= readBuild(app.services.config.http.publicUrl)
    if (!build) throw new AppError('unavailable', 'The dashboard is not built: run `npm run build -w @sx/dashboard`.')
    return build
  }

  const sendShell = async (_request: unknown, reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('referrer-policy', 'same-origin')
      .header('x-content-type-options', 'nosniff')
      .type('text/html; charset=utf-8')
      .send(current().shell)
  app.get('/dashboard', { schema: { hide: true } }, sendShell)
  app.get('/dashboard/*', { schema: { hide: true, params: DeepLinkParams } }, sendShell)

  app.get('/dashboard/assets/:file', { schema: { hide: true, params: AssetParams } }, async (request, reply) => {
    const { file } = request.params
    const body = current().assets.get(file)
    if (!body) throw new AppError('not_found', 'No such dashboard asset.')
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .type(TYPES[file.split('.').pop()!]!)
      .send(body)
  })
}
