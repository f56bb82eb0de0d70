import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema, ListSchema, withProblems } from '../../platform/http/schemas.ts'
import { CustomerSchema, CustomerSummarySchema, ListCustomersQuerySchema } from './customers.schemas.ts'
import { getCustomer, listCustomers } from './customers.service.ts'
import type { CustomerOrders } from './customer-orders.ts'

const tags = ['Customers']

/** `orders`: the orders module's figures, passed in by app.ts (customers may not import orders). */
export const customersRoutes: FastifyPluginAsyncTypebox<{ orders: CustomerOrders }> = async (app, { orders }) => {
  app.get(
    '/customers',
    {
      config: { ability: 'customers:read' },
      schema: {
        operationId: 'listCustomers',
        tags,
        summary: 'List customers',
        description:
          'One customer per email, per shop and mode, created by their first order. Newest first; `email` searches.',
        querystring: ListCustomersQuerySchema,
        response: withProblems({ 200: ListSchema(CustomerSummarySchema) }),
      },
    },
    (request) => listCustomers(app.services, orders, request.ctx, request.query),
  )

  app.get(
    '/customers/:id',
    {
      config: { ability: 'customers:read' },
      schema: {
        operationId: 'getCustomer',
        tags,
        summary: 'Retrieve a customer',
        params: IdParamsSchema,
        response: withProblems({ 200: CustomerSchema }),
      },
    },
    (request) => getCustomer(app.services, orders, request.ctx, request.params.id),
  )
}
