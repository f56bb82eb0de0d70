// Which events an endpoint receives: exact types, a family (`product.*`) or everything (`*`); and
// which read ability seeing an event needs: the one its object needs (an order event carries the
// buyer's email, checkout link and delivered goods, so it is as private as GET /v1/orders/{id}).
import type { Ability } from '../../platform/http/auth.ts'
import { AppError } from '../../platform/errors.ts'
import { EVENT_TYPES, type EventFamily } from '../../platform/outbox/outbox.ts'

/** Per family of the event catalogue: a family without its read ability does not compile. */
const FAMILY_ABILITY: Record<EventFamily, Ability> = {
  order: 'orders:read',
  customer: 'customers:read',
  product: 'products:read',
  coupon: 'products:read',
  payout: 'payouts:read',
}

export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  )
}

/** The read ability an event of this type needs (by its family: `order.paid` → orders:read). */
export function readAbilityOf(type: string): Ability {
  // `type` may come from a stored row or a request, so it is looked up as any string.
  const ability = (FAMILY_ABILITY as Partial<Record<string, Ability>>)[type.split('.')[0]!]
  if (!ability) throw new Error(`no read ability for event type ${type}`)
  return ability
}

/** The event types a key holding `abilities` may read; all of them when it holds every read ability. */
export function readableTypes(abilities: ReadonlySet<Ability>): string[] {
  return EVENT_TYPES.filter((type) => abilities.has(readAbilityOf(type)))
}

/**
 * Subscribing to events shows them to whoever runs the URL, so it needs the abilities reading them
 * needs: every ability of a type the patterns match (`*` all four). A 403 names what is missing.
 */
export function assertMaySubscribe(abilities: ReadonlySet<Ability>, patterns: readonly string[]): void {
  const needed = new Set(EVENT_TYPES.filter((type) => subscribes(patterns, type)).map(readAbilityOf))
  const missing = [...needed].filter((ability) => !abilities.has(ability))
  if (missing.length === 0) return
  throw new AppError(
    'forbidden_scope',
    `Subscribing to ${patterns.join(', ')} needs ${[...needed].join(', ')}; this API key lacks ${missing.join(', ')}.`,
    {
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${missing.join(' ')}"` },
    },
  )
}

/** Reading one event needs its type's ability (403 naming it, like any route's ability). */
export function assertMayRead(abilities: ReadonlySet<Ability>, type: string): void {
  const ability = readAbilityOf(type)
  if (abilities.has(ability)) return
  throw new AppError(
    'forbidden_scope',
    `Reading ${type} events needs the ability "${ability}", which this API key lacks.`,
    {
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${ability}"` },
    },
  )
}
