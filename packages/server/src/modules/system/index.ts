// System endpoints: /healthz, /readyz, /metrics.
export { systemRoutes } from './system.routes.ts'
export { registerMetrics } from './metrics.ts'
