// Webhooks: endpoints, the events they carry, and the engine that delivers them.
export { webhooksRoutes } from './webhooks.routes.ts'
export { createWebhookDispatcher, type Dispatcher } from './dispatcher.ts'
export { purgeWebhookHistory } from './queue.repository.ts'
