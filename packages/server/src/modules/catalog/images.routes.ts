// The public image route, outside /v1 and without a key: a product image by its content hash. The
// name never changes meaning, so browsers and proxies may keep it for a year without asking again.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../platform/errors.ts'
import { IMAGE_NAME } from './images.ts'
import { openProductImage } from './images.service.ts'

export const productImageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/img/:name',
    { schema: { hide: true, params: Type.Object({ name: Type.String({ pattern: IMAGE_NAME }) }) } },
    async (request, reply) => {
      const image = await openProductImage(app.services, request.params.name)
      if (!image) throw new AppError('not_found', 'This image does not exist.')
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('content-length', image.size)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .type(image.type)
        .send(image.stream)
    },
  )
}
