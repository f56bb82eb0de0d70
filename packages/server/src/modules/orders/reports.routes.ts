import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { withProblems } from '../../platform/http/schemas.ts'
import { DailyReportQuerySchema, DailyReportSchema } from './reports.schemas.ts'
import { dailyReport } from './reports.service.ts'

export const reportsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/reports/daily',
    {
      config: { ability: 'orders:read' },
      schema: {
        operationId: 'getDailyReport',
        tags: ['Reports'],
        summary: 'Orders and revenue per day',
        description:
          "Orders paid per UTC day over the last `days` days (default 30, at most 366; today included) and their totals per currency, in the calling key's (or session's) mode. Needs `orders:read`.",
        querystring: DailyReportQuerySchema,
        response: withProblems({ 200: DailyReportSchema }),
      },
    },
    (request) => dailyReport(app.services, request.ctx, request.query.days ?? 30),
  )
}
