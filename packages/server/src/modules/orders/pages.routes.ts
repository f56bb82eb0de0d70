// The buyer's side, outside /v1 and without API keys: the order page
// behind its unguessable token (payment instructions, then the goods), the JSON the page polls for
// live updates, and file downloads. Unknown tokens answer 404 like any unknown resource; a browser
// gets every failure as a small HTML page (a used-up or expired download link: 410), API clients
// problem+json.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../platform/errors.ts'
import { sendPage, wantsPage } from '../../platform/http/pages.ts'
import { openProductFile } from '../catalog/index.ts'
import { peekDownload, spendDownload, type DownloadRefusal } from '../delivery/index.ts'
import { downloadNotice, renderNoticePage, renderOrderPage, orderPageCsp } from '../storefront/index.ts'
import { buildPageView, pageVersion } from './buyer-view.ts'
import { methodChangeOffer } from './payment-method.service.ts'
import * as repo from './orders.repository.ts'

const TokenParams = Type.Object({ token: Type.String({ maxLength: 64 }) })
const hide = { hide: true }
const gone = () => new AppError('not_found', 'This link does not exist.')
const DOWNLOAD_REFUSED: Record<DownloadRefusal, string> = {
  unknown: 'This link does not exist.',
  expired: 'This download link has expired.',
  used_up: 'This download link has no downloads left.',
}

export const buyerPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { services } = app

  app.get('/o/:token', { schema: { ...hide, params: TokenParams } }, async (request, reply) => {
    const row = await repo.findOrderByPageToken(services.db, request.params.token)
    if (!row) throw gone()
    const offer = await methodChangeOffer(services, row)
    const view = {
      ...(await buildPageView(services, services.db, row)),
      changeMethod: offer && { ...offer, action: `/o/${row.page_token}/payment-method` },
    }
    const html = await renderOrderPage(view)
    // The page shows secrets (keys, links): never cached, never sent as a Referer.
    return reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', orderPageCsp(view))
      .type('text/html; charset=utf-8')
      .send(html)
  })

  app.get('/o/:token/status', { schema: { ...hide, params: TokenParams } }, async (request, reply) => {
    const row = await repo.findOrderByPageToken(services.db, request.params.token)
    if (!row) throw gone()
    reply.header('cache-control', 'no-store')
    return { status: row.status, version: pageVersion(row) }
  })

  // GET serves the file and spends a download; HEAD (link checkers, mail scanners, browsers
  // probing) answers the same headers and spends nothing.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/dl/:token',
    schema: { ...hide, params: TokenParams },
    handler: async (request, reply) => {
      const now = services.clock.now()
      const head = request.method === 'HEAD'
      const download = head
        ? await peekDownload(services.db, request.params.token, now)
        : await spendDownload(services.db, request.params.token, now)
      if (!download.ok) {
        // A link that existed but can no longer be used is gone (410) for a browser; the API's catalogue says 404.
        if (download.reason !== 'unknown' && wantsPage(request))
          return sendPage(reply, 410, renderNoticePage(downloadNotice(download.reason)))
        throw new AppError('not_found', DOWNLOAD_REFUSED[download.reason])
      }
      const file = download.fileSha256 ? await openProductFile(services, download.fileSha256) : null
      if (!file) throw new AppError('not_found', 'The file is no longer available; contact the shop.')
      const name = download.fileName ?? 'download'
      reply
        .header('cache-control', 'no-store')
        .header('content-length', file.size)
        .header(
          'content-disposition',
          `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .type('application/octet-stream')
      if (!head) return reply.send(file.stream)
      file.stream.destroy()
      return reply.send()
    },
  })
}
