// The merchant dashboard's static files (built by packages/dashboard), served at /dashboard.
export { dashboardRoutes } from './dashboard.routes.ts'
