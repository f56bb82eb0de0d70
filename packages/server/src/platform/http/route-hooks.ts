import type { RouteOptions } from 'fastify'

/** Appends a hook to one route's own hooks (after any it has), from an onRoute hook. */
export function addRouteHook(
  route: RouteOptions,
  name: 'onRequest' | 'preHandler' | 'onSend',
  hook: (...args: never[]) => unknown,
): void {
  const existing = route[name] as unknown
  route[name] = [...(existing === undefined ? [] : [existing].flat()), hook] as never
}
