// One order's page (/dashboard/orders/{id}): lines, payment, delivery, a timeline built from the
// order's events (GET /v1/events?object_id=) and its refunds, and the actions (order-actions.ts).
import type { components, ResponseData } from '@sx/sdk'
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { loadInto, money, table, when } from '../view.ts'
import { orderActions } from './order-actions.ts'

type Order = components['schemas']['Order']
type Refund = ResponseData<'/v1/orders/{id}/refunds', 'get'>['data'][number]
type ApiEvent = ResponseData<'/v1/events', 'get'>['data'][number]

const EVENT_TEXT: Partial<Record<ApiEvent['type'], string>> = {
  'order.paid': 'Paid',
  'order.delivered': 'Delivered',
  'order.failed': 'Failed',
  'order.refunded': 'Refunded in full',
}

export function orderPage(id: string): HTMLElement {
  const body = h('div')
  const load = () =>
    loadInto(
      body,
      async () => {
        const path = { params: { path: { id } } }
        const [order, refunds, events] = await Promise.all([
          sx().GET('/v1/orders/{id}', path),
          sx().GET('/v1/orders/{id}/refunds', path),
          sx().GET('/v1/events', { params: { query: { object_id: id, limit: 100 } } }),
        ])
        return { order, refunds: refunds.data, events: events.data }
      },
      ({ order, refunds, events }) => orderDetail(order, refunds, events, load),
    )
  void load()
  return h(
    'section',
    {},
    h('p', {}, h('a', { href: '/dashboard/orders' }, '← Orders')),
    h('h1', {}, `Order ${id}`),
    body,
  )
}

const facts = (pairs: [string, Node | string][]) =>
  h(
    'dl',
    { class: 'facts' },
    pairs.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  )

function orderDetail(order: Order, refunds: Refund[], events: ApiEvent[], reload: () => Promise<void>): Node {
  const p = order.payment
  const address = order.shipping_address
  const names = new Map(order.items.map((line) => [line.product_id, line.product]))
  return h(
    'div',
    {},
    facts([
      ['Status', h('span', { 'data-testid': 'order-status' }, order.status)],
      ['Customer', order.customer_email],
      ['Total', money(order.total_cents, order.currency)],
      ...(order.coupon === null
        ? []
        : [
            [
              'Coupon',
              h(
                'span',
                { 'data-testid': 'order-coupon' },
                `${order.coupon}: −${money(order.discount_cents, order.currency)}`,
              ),
            ] as [string, Node],
          ]),
      ['Refunded', money(order.refunded_cents, order.currency)],
      ['Created', when(order.created_at)],
      ...(order.failure_reason ? [['Failure', order.failure_reason.replaceAll('_', ' ')] as [string, string]] : []),
      ...(order.note ? [['Note', order.note] as [string, string]] : []),
      ...(address
        ? [
            [
              'Ship to',
              [
                address.name,
                address.line1,
                address.line2,
                `${address.postal_code} ${address.city}`,
                address.state,
                address.country,
              ]
                .filter(Boolean)
                .join(', '),
            ] as [string, string],
          ]
        : []),
    ]),
    h('h2', {}, 'Lines'),
    table(
      ['Product', 'Type', 'Qty', 'Unit price', 'Subtotal'],
      order.items.map((line) => [
        h('a', { href: `/dashboard/products/${line.product_id}` }, line.product),
        line.type,
        String(line.qty),
        money(line.unit_price_cents, order.currency),
        money(line.subtotal_cents, order.currency),
      ]),
    ),
    h('h2', {}, 'Payment'),
    facts([
      ['Status', p.status.replaceAll('_', ' ')],
      ['Address', h('span', { class: 'mono' }, p.address ?? '—')],
      ['Amount', `${p.amount ?? '—'} ${p.asset} on ${p.chain}`],
      ['Paid', `${p.amount_paid} ${p.asset}`],
      ['Transaction', h('span', { class: 'mono' }, p.tx_hash ?? '—')],
    ]),
    h('h2', {}, 'Delivery'),
    facts([
      ['State', order.delivery.state.replaceAll('_', ' ')],
      ['Delivered', when(order.delivery.delivered_at)],
    ]),
    order.delivery.items.length === 0
      ? null
      : table(
          ['Product', 'What the buyer got'],
          order.delivery.items.map((item) => [names.get(item.product_id) ?? item.product_id, delivered(item)]),
        ),
    h('h2', {}, 'Timeline'),
    timeline(order, refunds, events),
    orderActions(order, reload),
  )
}

function delivered(item: Order['delivery']['items'][number]): Node | string {
  if (item.url)
    return h('a', { href: item.url, rel: 'noreferrer' }, `Download link (until ${when(item.expires_at ?? null)})`)
  if (item.carrier) return `Shipped with ${item.carrier}, tracking ${item.tracking_number ?? '—'}`
  if (item.period_end) return `Subscribed until ${when(item.period_end)}`
  return h('span', { class: 'mono' }, item.value ?? '—')
}

/** Creation, the order's events, and its refunds, oldest first (events older than the retention are gone). */
function timeline(order: Order, refunds: Refund[], events: ApiEvent[]): Node {
  const entries: [string, string][] = [
    [order.created_at, 'Created'],
    ...events.map((e): [string, string] => [e.created_at, EVENT_TEXT[e.type] ?? e.type]),
    ...refunds.map((r): [string, string] => [
      r.created_at,
      `Refund ${money(r.amount_cents, r.currency)} (${r.status})`,
    ]),
  ]
  return h(
    'ol',
    { class: 'timeline' },
    entries
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([at, what]) => h('li', {}, h('time', { datetime: at }, when(at)), ' ', what)),
  )
}
