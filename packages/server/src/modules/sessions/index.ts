// Owner sessions for the dashboard: sign-in routes, the session lookup the /v1 pipeline uses, and
// the operator's password reset (`sx owner reset-password`).
export { sessionsRoutes } from './sessions.routes.ts'
export { createSessionLookup, resetOwnerPassword, OwnerResetError } from './sessions.service.ts'
export { purgeEndedSessions, purgeExpiredResets } from './sessions.repository.ts'
