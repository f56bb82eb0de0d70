// The event picker of the webhook form. The event types come from the SDK's generated types: the
// labels below are a Record over that union, so `npm run typecheck` fails when the server's enum
// gains or drops a type (the types are compile-time only, hence the one list of labels here).
import type { paths } from '@sx/sdk'
import { h } from '../dom.ts'

export type EventPattern = paths['/v1/webhooks']['post']['requestBody']['content']['application/json']['events'][number]

/** Every pattern the server accepts, in the order shown; wildcards lead their family. */
const LABELS: Record<EventPattern, string> = {
  '*': 'Every event',
  'order.*': 'All order events',
  'order.paid': 'Order paid',
  'order.delivered': 'Order delivered',
  'order.refunded': 'Order refunded',
  'order.failed': 'Order failed',
  'product.*': 'All product events',
  'product.created': 'Product created',
  'product.updated': 'Product updated',
  'product.deleted': 'Product deleted',
  'coupon.*': 'All coupon events',
  'coupon.created': 'Coupon created',
  'coupon.updated': 'Coupon updated',
  'coupon.deleted': 'Coupon deleted',
  'payout.*': 'All payout events',
  'payout.queued': 'Payout queued',
  'payout.broadcast': 'Payout broadcast',
  'payout.confirmed': 'Payout confirmed',
  'payout.failed': 'Payout failed',
  'customer.created': 'Customer created',
}
const PATTERNS = Object.keys(LABELS) as EventPattern[]
const FAMILY_NAMES: Record<string, string> = {
  order: 'Orders',
  product: 'Products',
  coupon: 'Coupons',
  payout: 'Payouts',
  customer: 'Customers',
}

/** Checkboxes grouped by family; `selected()` answers the checked patterns. */
export function eventPicker(): { element: HTMLFieldSetElement; selected(): EventPattern[] } {
  const boxes = PATTERNS.map((pattern) => h('input', { type: 'checkbox', name: 'events', value: pattern }))
  const labelled = (box: HTMLInputElement) =>
    h('label', { class: 'check' }, box, LABELS[box.value as EventPattern], h('code', { class: 'muted' }, box.value))
  const families = Object.entries(FAMILY_NAMES).map(([family, name]) =>
    h(
      'fieldset',
      { class: 'events' },
      h('legend', {}, name),
      boxes.filter((box) => box.value.startsWith(`${family}.`)).map(labelled),
    ),
  )
  const element = h(
    'fieldset',
    {},
    h('legend', {}, 'Events'),
    boxes.filter((box) => box.value === '*').map(labelled),
    families,
  )
  return { element, selected: () => boxes.filter((box) => box.checked).map((box) => box.value as EventPattern) }
}
