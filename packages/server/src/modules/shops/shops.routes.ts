import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { withProblems } from '../../platform/http/schemas.ts'
import { ShopSchema, UpdateShopBodySchema } from './shops.schemas.ts'
import { getShop, updateShop } from './settings.service.ts'

const tags = ['Shop']

export const shopRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/shop',
    {
      // Reading what buyers see anyway (the name, the support address) needs no more than reading the catalog.
      config: { ability: 'products:read' },
      schema: {
        operationId: 'getShop',
        tags,
        summary: 'Get the shop settings',
        description: 'The same in both modes. Needs `products:read`.',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: withProblems({ 200: ShopSchema }),
      },
    },
    (request) => getShop(app.services, request.ctx),
  )

  app.patch(
    '/shop',
    {
      // What buyers are told and where they write: a key holding all nine abilities (or the owner's session).
      config: { ability: 'all' },
      schema: {
        operationId: 'updateShop',
        tags,
        summary: 'Update the shop settings',
        description:
          'Name, support email, logo URL and brand colour, as the checkout page, the shop pages and the order emails show them (both modes); the storefront: `slug` (409 when another shop has it), `storefront_mode` (`live` is 409 without a live payment rail), `custom_domain` (409 when another shop has it) and `payment_methods` per mode (each pair must be one the mode offers, else 422). `null` clears a setting. Needs a key holding all nine abilities, or the owner signed in.',
        body: UpdateShopBodySchema,
        response: withProblems({ 200: ShopSchema }),
      },
    },
    (request) => updateShop(app.services, request.ctx, request.body),
  )
}
