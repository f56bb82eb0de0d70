import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema, ListSchema, withProblems } from '../../platform/http/schemas.ts'
import {
  CouponSchema,
  CreateCouponBodySchema,
  DeletedCouponSchema,
  ListCouponsQuerySchema,
  UpdateCouponBodySchema,
} from './coupons.schemas.ts'
import { createCoupon, deleteCoupon, getCoupon, listCoupons, updateCoupon } from './coupons.service.ts'

const tags = ['Coupons']

export const couponsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/coupons',
    {
      config: { ability: 'products:read' },
      schema: {
        operationId: 'listCoupons',
        tags,
        summary: 'List coupons',
        description: 'Newest first, with cursor pagination.',
        querystring: ListCouponsQuerySchema,
        response: withProblems({ 200: ListSchema(CouponSchema) }),
      },
    },
    (request) => listCoupons(app.services, request.ctx, request.query),
  )

  app.post(
    '/coupons',
    {
      config: { ability: 'products:write', successStatus: 201 },
      schema: {
        operationId: 'createCoupon',
        tags,
        summary: 'Create a coupon',
        description:
          'Exactly one of `percent_off` and `amount_off_cents` (which needs `currency`). Codes are unique per shop and mode in any letter case (409 on a taken one). Emits `coupon.created`.',
        body: CreateCouponBodySchema,
        response: withProblems({ 201: CouponSchema }),
      },
    },
    (request) => createCoupon(app.services, request.ctx, request.body),
  )

  app.get(
    '/coupons/:id',
    {
      config: { ability: 'products:read' },
      schema: {
        operationId: 'getCoupon',
        tags,
        summary: 'Retrieve a coupon',
        params: IdParamsSchema,
        response: withProblems({ 200: CouponSchema }),
      },
    },
    (request) => getCoupon(app.services, request.ctx, request.params.id),
  )

  app.patch(
    '/coupons/:id',
    {
      config: { ability: 'products:write' },
      schema: {
        operationId: 'updateCoupon',
        tags,
        summary: 'Update a coupon',
        description:
          'Its limits (products, uses, expiry, active) change; its code and amount do not. Answers with the coupon. Emits `coupon.updated`.',
        params: IdParamsSchema,
        body: UpdateCouponBodySchema,
        response: withProblems({ 200: CouponSchema }),
      },
    },
    (request) => updateCoupon(app.services, request.ctx, request.params.id, request.body),
  )

  app.delete(
    '/coupons/:id',
    {
      config: { ability: 'products:write' },
      schema: {
        operationId: 'deleteCoupon',
        tags,
        summary: 'Delete a coupon',
        description:
          'The code is refused from now on and free to reuse; orders that used it keep their discount. Emits `coupon.deleted`.',
        params: IdParamsSchema,
        response: withProblems({ 200: DeletedCouponSchema }),
      },
    },
    (request) => deleteCoupon(app.services, request.ctx, request.params.id),
  )
}
