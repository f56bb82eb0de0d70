// The storefront's buy path, outside /v1 and without a key (behind the buyer pages' per-address
// budget, like the shop pages): the checkout form (`/s/<shop>/checkout`, GET and POST), the cart
// (`/s/<shop>/cart` adds a product, then shows the form), the buy button's script (`/embed.js`) and
// its overlay's form (`/embed/checkout`, the only route any site may frame), and the order page's
// change of payment method (`POST /o/<token>/payment-method`).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { AppError } from '../../platform/errors.ts'
import { addressKey } from '../../platform/http/address-budgets.ts'
import { registerFormBodyParser, type FormBody } from '../../platform/http/form-body.ts'
import { sendPage } from '../../platform/http/pages.ts'
import { readCookie } from '../../platform/http/session-auth.ts'
import { findActiveProductScope } from '../catalog/index.ts'
import { EMBED_SCRIPT, renderNoticePage } from '../storefront/index.ts'
import { cartCookie, CART_COOKIE, itemsOf, mergeItems, parseCart, type CartItem } from './cart.ts'
import { showCheckoutForm, submitCheckoutForm, type FormPage } from './checkout-form.service.ts'
import { changePaymentMethod } from './payment-method.service.ts'

const hide = true
const ShopParams = Type.Object({ shop_slug: Type.String({ maxLength: 64 }) })
const TokenParams = Type.Object({ token: Type.String({ maxLength: 64 }) })
const Id = Type.String({ maxLength: 64 })
const Qty = Type.String({ maxLength: 4 })
const ItemsQuery = Type.Object({
  product: Type.Optional(Type.Union([Id, Type.Array(Id, { maxItems: 50 })])),
  qty: Type.Optional(Type.Union([Qty, Type.Array(Qty, { maxItems: 50 })])),
})
const FormSchema = Type.Record(Type.String(), Type.Array(Type.String({ maxLength: 2000 })))
const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat())
const notFound = () =>
  renderNoticePage({
    title: 'Page not found',
    message: 'This shop or product does not exist, or is no longer on sale.',
  })

export const checkoutFormRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { services } = app
  registerFormBodyParser(app)

  const itemsRoute = { schema: { hide, params: ShopParams, querystring: ItemsQuery } }
  const askedItems = (query: Static<typeof ItemsQuery>) => itemsOf(list(query.product), list(query.qty))

  // "Buy now" names the product; without one, the form shows the cart.
  app.get('/s/:shop_slug/checkout', itemsRoute, async (request, reply) => {
    const asked = askedItems(request.query)
    const cart = asked.length === 0
    const items = cart ? cartOf(request) : mergeItems(asked)
    const shown = { items, cart, embedded: false }
    return sendForm(reply, await showCheckoutForm(services, { slug: request.params.shop_slug }, shown))
  })

  app.get('/s/:shop_slug/cart', itemsRoute, async (request, reply) => {
    const slug = request.params.shop_slug
    const items = mergeItems([...cartOf(request), ...askedItems(request.query)])
    return reply.header('set-cookie', cartCookie(slug, items)).redirect(`/s/${slug}/checkout`, 303)
  })

  app.post(
    '/s/:shop_slug/checkout',
    { schema: { hide, params: ShopParams, body: FormSchema } },
    async (request, reply) => {
      checkOrigin(request)
      const { shop_slug: slug } = request.params
      const outcome = await submitCheckoutForm(services, slug, request.body as FormBody, addressKey(request.ip))
      if (!outcome) return sendForm(reply, null)
      const cart = (request.body as FormBody).cart?.[0] === '1'
      if ('redirect' in outcome) {
        if (cart) reply.header('set-cookie', cartCookie(slug, []))
        return reply.redirect(outcome.redirect, 303)
      }
      if (cart) reply.header('set-cookie', cartCookie(slug, outcome.cart))
      return sendForm(reply, outcome)
    },
  )

  app.get(
    '/embed/checkout',
    {
      config: { frameable: true },
      schema: { hide, querystring: Type.Object({ product: Id, qty: Type.Optional(Qty) }) },
    },
    async (request, reply) => {
      const scope = await findActiveProductScope(services.db, request.query.product)
      const items: CartItem[] = itemsOf([request.query.product], list(request.query.qty))
      const page = scope
        ? await showCheckoutForm(services, { id: scope.shopId }, { items, cart: false, embedded: true })
        : null
      // A product of the shop's other mode is not on sale on its pages: the form shows no line then.
      return sendForm(reply, page, true)
    },
  )

  app.get('/embed.js', { schema: { hide } }, async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .type('text/javascript; charset=utf-8')
      .send(EMBED_SCRIPT),
  )

  app.post(
    '/o/:token/payment-method',
    { schema: { hide, params: TokenParams, body: FormSchema } },
    // No Origin check: the order page sends no referrer, so its own form comes with `Origin: null`;
    // the unguessable token in the path is what a cross-site form cannot know.
    async (request, reply) => {
      const outcome = await changePaymentMethod(services, request.params.token, request.body as FormBody)
      if ('redirect' in outcome) return reply.redirect(outcome.redirect, 303)
      return sendPage(reply, outcome.status, renderNoticePage(outcome.notice))
    },
  )

  function cartOf(request: FastifyRequest): CartItem[] {
    return parseCart(readCookie(request.headers.cookie, CART_COOKIE))
  }

  function sendForm(reply: FastifyReply, page: FormPage | null, embedded = false): FastifyReply {
    if (!page) return sendPage(reply, 404, notFound())
    return reply
      .code(page.status)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .header('x-content-type-options', 'nosniff')
      .header(
        'content-security-policy',
        embedded ? page.csp.replace("frame-ancestors 'none'", 'frame-ancestors *') : page.csp,
      )
      .type('text/html; charset=utf-8')
      .send(page.html)
  }

  /** A browser names the page a form came from: another site's form is refused before anything is done. */
  function checkOrigin(request: FastifyRequest): void {
    const origin = request.headers.origin
    if (origin === undefined) return
    if (!sameHost(origin, request.headers.host))
      throw new AppError('forbidden_scope', 'This form can only be sent from the shop’s own pages.')
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return origin !== 'null' && new URL(origin).host === host
  } catch {
    return false
  }
}
