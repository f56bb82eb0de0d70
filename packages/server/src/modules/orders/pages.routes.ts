// The buyer's side, outside /v1 and without API keys: the order page behind its unguessable
// token (payment instructions, then the goods), the JSON the page polls for live updates, and
// file downloads. Unknown tokens answer 404 like any unknown resource.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../platform/errors.ts'
import { sha256Hex } from '../../platform/crypto.ts'
import { openProductFile } from '../catalog/index.ts'
import { ORDER_PAGE_CSP, renderOrderPage } from '../storefront/index.ts'
import { buildPageView, pageVersion } from './buyer-view.ts'
import * as repo from './orders.repository.ts'

const TokenParams = Type.Object({ token: Type.String({ maxLength: 64 }) })
const hide = { hide: true }
const gone = () => new AppError('not_found', 'This link does not exist, has expired, or has no downloads left.')

export const buyerPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { services } = app

  app.get('/o/:token', { schema: { ...hide, params: TokenParams } }, async (request, reply) => {
    const row = await repo.findOrderByPageToken(services.db, request.params.token)
    if (!row) throw gone()
    const html = await renderOrderPage(await buildPageView(services, services.db, row))
    // The page shows secrets (keys, links): never cached, never sent as a Referer.
    return reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .header('content-security-policy', ORDER_PAGE_CSP)
      .type('text/html; charset=utf-8')
      .send(html)
  })

  app.get('/o/:token/status', { schema: { ...hide, params: TokenParams } }, async (request, reply) => {
    const row = await repo.findOrderByPageToken(services.db, request.params.token)
    if (!row) throw gone()
    reply.header('cache-control', 'no-store')
    return { status: row.status, version: pageVersion(row) }
  })

  app.get('/dl/:token', { schema: { ...hide, params: Type.Object({ token: Type.String({ maxLength: 64 }) }) } }, async (request, reply) => {
    const now = services.clock.now()
    const tokenHash = sha256Hex(request.params.token)
    // Spending a download is one conditional UPDATE: concurrent clicks cannot exceed the limit.
    const spent = await services.db.updateTable('downloads').set((eb) => ({ downloads_left: eb('downloads_left', '-', 1) }))
      .where('token_hash', '=', tokenHash).where('downloads_left', '>', 0).where('expires_at', '>', now).executeTakeFirst()
    if (spent.numUpdatedRows === 0n) throw gone()
    const download = await services.db.selectFrom('downloads').innerJoin('products', 'products.id', 'downloads.product_id')
      .select(['products.file_name', 'products.file_sha256']).where('downloads.token_hash', '=', tokenHash).executeTakeFirstOrThrow()
    const file = download.file_sha256 ? await openProductFile(services, download.file_sha256) : null
    if (!file) throw new AppError('not_found', 'The file is no longer available; contact the shop.')
    const name = download.file_name ?? 'download'
    return reply
      .header('cache-control', 'no-store')
      .header('content-length', file.size)
      .header('content-disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .type('application/octet-stream')
      .send(file.stream)
  })
}
