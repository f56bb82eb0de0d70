// The public shop pages, outside /v1 and without a key: `/s/<shop>`, `/s/<shop>/<product>` and
// `/s/<shop>/sitemap.xml`; and the same at `/`, `/<product>` and `/sitemap.xml` for a request whose
// Host header is a shop's custom domain (any other host gets sx's landing page at `/`). A missing
// shop or product is a 404: the notice page for a browser. The "Buy now" form leads to
// `/s/<shop>/checkout`: the checkout form, which these routes do not serve.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { sendPage } from '../../platform/http/pages.ts'
import { AppError } from '../../platform/errors.ts'
import { renderLandingPage } from '../storefront/index.ts'
import { storefrontPage, type PageRequest, type RenderedPage, type ShopAddress } from './pages.service.ts'

const hide = true
const ShopSlug = Type.String({ maxLength: 64 })
const ProductSlug = Type.String({ maxLength: 200 })
const ShopParams = Type.Object({ shop_slug: ShopSlug })
/** Other parameters (a campaign's utm_…) are let through and ignored. */
const PageQuery = Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) })
const ProductParams = Type.Object({ product_slug: ProductSlug })
const SITEMAP = 'sitemap.xml'

export const shopPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { services } = app

  const answer = async (reply: FastifyReply, address: ShopAddress, request: PageRequest) =>
    send(reply, await storefrontPage(services, address, request))

  // sx's own host is never a shop's custom domain (PATCH /v1/shop refuses it): no read for it.
  const ownHost = new URL(services.config.http.publicUrl).hostname
  /** The custom domain this request's Host names, if it may be one. */
  const domainOf = (request: FastifyRequest): ShopAddress | null => {
    const hostname = request.hostname.toLowerCase()
    return hostname === ownHost ? null : { domain: hostname }
  }

  app.get('/', { schema: { hide, querystring: PageQuery } }, async (request, reply) => {
    const domain = domainOf(request)
    const page = domain ? await storefrontPage(services, domain, { kind: 'shop', page: request.query.page ?? 1 }) : null
    return page ? send(reply, page) : sendPage(reply, 200, renderLandingPage())
  })

  app.get('/s/:shop_slug', { schema: { hide, params: ShopParams, querystring: PageQuery } }, (request, reply) =>
    answer(reply, { slug: request.params.shop_slug }, { kind: 'shop', page: request.query.page ?? 1 }),
  )

  app.get(`/s/:shop_slug/${SITEMAP}`, { schema: { hide, params: ShopParams } }, (request, reply) =>
    answer(reply, { slug: request.params.shop_slug }, { kind: 'sitemap' }),
  )

  app.get(
    '/s/:shop_slug/:product_slug',
    { schema: { hide, params: Type.Object({ shop_slug: ShopSlug, product_slug: ProductSlug }) } },
    (request, reply) =>
      answer(reply, { slug: request.params.shop_slug }, { kind: 'product', slug: request.params.product_slug }),
  )

  // Any other one-segment path: a product (or the sitemap) of the shop whose custom domain this is.
  // Not a route of its own for the 405 check: a POST to an unknown path stays a 404.
  app.get(
    '/:product_slug',
    { config: { anyPath: true }, schema: { hide, params: ProductParams } },
    async (request, reply) => {
      const domain = domainOf(request)
      if (!domain) return send(reply, null)
      const slug = request.params.product_slug
      return answer(reply, domain, slug === SITEMAP ? { kind: 'sitemap' } : { kind: 'product', slug })
    },
  )
}

function send(reply: FastifyReply, page: RenderedPage | null): FastifyReply {
  // A browser gets the 404 as the notice page (the error handler), an API client problem+json.
  if (!page) throw new AppError('not_found', 'This shop or product does not exist, or is no longer on sale.')
  if (page.csp) reply.header('content-security-policy', page.csp)
  return reply
    .header('cache-control', 'no-cache')
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('x-content-type-options', 'nosniff')
    .type(page.contentType)
    .send(page.body)
}
