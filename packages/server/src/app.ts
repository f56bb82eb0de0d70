// buildApp(services): the HTTP application — plugins, the pipeline, and the one explicit list of
// routes. It never listens; `sx serve` and the tests decide how to run it.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Services } from './services.ts'
import { handleClientError, handleFrameworkError, installErrorHandling } from './platform/http/error-handler.ts'
import { registerJsonBodyParser } from './platform/http/json-body.ts'
import { registerOpenApi, registerReference } from './platform/http/openapi.ts'
import { registerPipeline } from './platform/http/pipeline.ts'
import { registerFrameHeaders } from './platform/http/frame-headers.ts'
import { serverTimeouts } from './platform/http/timeouts.ts'
import { ProblemSchema } from './platform/http/schemas.ts'
import { validatorCompiler } from './platform/http/validation.ts'
import { catalogRoutes, productImageRoutes } from './modules/catalog/index.ts'
import { couponsRoutes } from './modules/coupons/index.ts'
import { keysRoutes } from './modules/keys/index.ts'
import { sessionsRoutes } from './modules/sessions/index.ts'
import { shopPageRoutes, shopRoutes } from './modules/shops/index.ts'
import { customersRoutes } from './modules/customers/index.ts'
import {
  buyerPageRoutes,
  checkoutFormRoutes,
  customerOrders,
  OrderSchema,
  ordersRoutes,
  reportsRoutes,
  testHelperRoutes,
} from './modules/orders/index.ts'
import { registerMetrics, systemRoutes } from './modules/system/index.ts'
import { webhooksRoutes } from './modules/webhooks/index.ts'
import { balanceRoutes } from './modules/ledger/index.ts'
import { refundsRoutes } from './modules/refunds/index.ts'
import { payoutsRoutes } from './modules/payouts/index.ts'
import { errorNotice, renderNoticePage } from './modules/storefront/index.ts'
import { dashboardRoutes } from './modules/dashboard/index.ts'

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
  }
  interface FastifyContextConfig {
    /** A catch-all (`/:product_slug` of custom domains): other methods on the paths it matches stay 404, not 405. */
    anyPath?: boolean
  }
}

const CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,128}$/

export async function buildApp(services: Services): Promise<FastifyInstance> {
  const app = Fastify({
    // The services' pino instance (typed as fastify's logger so the app keeps fastify's default type).
    loggerInstance: services.log as FastifyBaseLogger,
    // Echo the client's X-Request-Id when it is printable; otherwise make one (32 hex chars, like a W3C trace id).
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID().replaceAll('-', '')
    },
    requestIdHeader: false,
    bodyLimit: services.config.http.bodyLimitBytes,
    ...serverTimeouts(services.config.http),
    // Behind a proxy, the client's address (per-address budgets) comes from X-Forwarded-For.
    trustProxy: services.config.http.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
  }).withTypeProvider()

  app.decorate('services', services)
  app.setValidatorCompiler(validatorCompiler)
  registerJsonBodyParser(app)
  app.addSchema(ProblemSchema)
  app.addSchema(OrderSchema)

  const routeTable: { method: string; pattern: RegExp }[] = []
  app.addHook('onRoute', (route) => {
    // Path params reach SQL: each must pass the validator (which also refuses control characters).
    if (/[:*]/.test(route.url) && !route.schema?.params && !route.url.startsWith('/docs')) {
      throw new Error(`${route.method} ${route.url} takes path params without a params schema`)
    }
    if (route.config?.anyPath) return
    const pattern = new RegExp(`^${route.url.replace(/:[^/]+/g, '[^/]+').replace(/\/$/, '')}/?$`)
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, pattern })
  })
  installErrorHandling(
    app,
    (path) => [...new Set(routeTable.filter((r) => r.pattern.test(path)).map((r) => r.method))],
    (status, traceId) => renderNoticePage(errorNotice(status, traceId)),
  )

  // Slow or too many clients: cut off after the timeouts, and no more than MAX_CONNECTIONS at once
  // (more are dropped as they connect).
  app.server.maxConnections = services.config.http.maxConnections

  registerFrameHeaders(app)
  const metrics = registerMetrics(app)
  const pipeline = await registerPipeline(app, services)
  await registerOpenApi(app)

  // Every route, in one list.
  await app.register(systemRoutes, { metrics })
  await app.register(sessionsRoutes)
  await app.register(
    async (v1) => {
      await v1.register(keysRoutes)
      await v1.register(shopRoutes)
      await v1.register(catalogRoutes, { http: services.config.http })
      await v1.register(couponsRoutes)
      await v1.register(ordersRoutes)
      await v1.register(reportsRoutes)
      await v1.register(customersRoutes, { orders: customerOrders })
      await v1.register(webhooksRoutes)
      await v1.register(testHelperRoutes)
      await v1.register(refundsRoutes)
      await v1.register(payoutsRoutes)
      await v1.register(balanceRoutes)
    },
    { prefix: '/v1' },
  )
  await app.register(async (pages) => {
    pages.addHook('onRequest', pipeline.buyerPageBudget)
    await pages.register(buyerPageRoutes)
    await pages.register(checkoutFormRoutes)
    await pages.register(shopPageRoutes)
    await pages.register(productImageRoutes)
  })
  await app.register(dashboardRoutes)
  await registerReference(app)
  return app
}
