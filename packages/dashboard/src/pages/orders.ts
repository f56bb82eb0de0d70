// Orders: the list (status filter; search within the loaded page, the API has no text search yet),
// and one order's lines, payment, timeline and refunds, with the refund action.
import type { components } from '@sx/sdk'
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { empty, errorBox, loadInto, money, table, when } from '../view.ts'

type Order = components['schemas']['Order']
const STATUSES = ['pending', 'awaiting_payment', 'paid', 'delivering', 'completed', 'failed', 'refunded'] as const

const orderLink = (order: Order) => h('a', { href: `/dashboard/orders/${order.id}` }, order.id)

export function orderRows(orders: Order[]): (Node | string)[][] {
  return orders.map((o) => [orderLink(o), o.status, money(o.total_cents, o.currency), when(o.created_at)])
}

export function ordersPage(): HTMLElement {
  const status = h(
    'select',
    { id: 'order-status' },
    h('option', { value: '' }, 'Any status'),
    STATUSES.map((s) => h('option', { value: s }, s.replace('_', ' '))),
  )
  const search = h('input', { id: 'order-search', type: 'search', placeholder: 'Order id or email' })
  const list = h('div')
  let orders: Order[] = []
  const matching = () => {
    const needle = search.value.trim().toLowerCase()
    const shown = orders.filter(
      (o) => !needle || o.id.toLowerCase().includes(needle) || o.customer_email.includes(needle),
    )
    if (shown.length === 0) return empty(orders.length === 0 ? 'No orders yet.' : 'No order matches.')
    const rows = orderRows(shown).map((row, i) => [...row, shown[i]!.customer_email])
    return table(['Order', 'Status', 'Total', 'Created', 'Customer'], rows)
  }
  const load = () => {
    const query = { limit: 100, ...(status.value ? { status: status.value as Order['status'] } : {}) }
    return loadInto(
      list,
      () => sx().GET('/v1/orders', { params: { query } }),
      (page) => {
        orders = page.data
        return matching()
      },
    )
  }
  status.addEventListener('change', () => void load())
  search.addEventListener('input', () => list.replaceChildren(matching()))
  void load()
  return h(
    'section',
    {},
    h('h1', {}, 'Orders'),
    h(
      'div',
      { class: 'filters' },
      h('label', { for: 'order-status' }, 'Status'),
      status,
      h('label', { for: 'order-search' }, 'Search'),
      search,
    ),
    list,
  )
}

export function orderPage(id: string): HTMLElement {
  const body = h('div')
  const load = () =>
    loadInto(
      body,
      async () => {
        const order = await sx().GET('/v1/orders/{id}', { params: { path: { id } } })
        const refunds = await sx().GET('/v1/orders/{id}/refunds', { params: { path: { id } } })
        return { order, refunds: refunds.data }
      },
      ({ order, refunds }) => orderDetail(order, refunds, load),
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

type Refund = { id: string; status: string; amount_cents: number; currency: string; created_at: string }

function orderDetail(order: Order, refunds: Refund[], reload: () => Promise<void>): Node {
  const p = order.payment
  const events: [string | null, string][] = [
    [order.created_at, 'Created'],
    [order.paid_at, 'Paid'],
    ...refunds.map((r): [string, string] => [
      r.created_at,
      `Refund ${money(r.amount_cents, r.currency)} (${r.status})`,
    ]),
  ]
  const timeline = events
    .filter((e): e is [string, string] => e[0] !== null)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([at, what]) => h('li', {}, h('time', { datetime: at }, when(at)), ' ', what))
  return h(
    'div',
    {},
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h('dd', { 'data-testid': 'order-status' }, order.status),
      h('dt', {}, 'Customer'),
      h('dd', {}, order.customer_email),
      h('dt', {}, 'Total'),
      h('dd', {}, money(order.total_cents, order.currency)),
      ...(order.coupon === null
        ? []
        : [
            h('dt', {}, 'Coupon'),
            h(
              'dd',
              { 'data-testid': 'order-coupon' },
              `${order.coupon}: −${money(order.discount_cents, order.currency)}`,
            ),
          ]),
      h('dt', {}, 'Refunded'),
      h('dd', {}, money(order.refunded_cents, order.currency)),
    ),
    h('h2', {}, 'Lines'),
    table(
      ['Product', 'Type', 'Qty', 'Unit price', 'Subtotal'],
      order.items.map((line) => [
        line.product,
        line.type,
        String(line.qty),
        money(line.unit_price_cents, order.currency),
        money(line.subtotal_cents, order.currency),
      ]),
    ),
    h('h2', {}, 'Payment'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h('dd', {}, p.status),
      h('dt', {}, 'Amount'),
      h('dd', {}, `${p.amount ?? '—'} ${p.asset} on ${p.chain}`),
      h('dt', {}, 'Paid'),
      h('dd', {}, `${p.amount_paid} ${p.asset}`),
      h('dt', {}, 'Transaction'),
      h('dd', { class: 'mono' }, p.tx_hash ?? '—'),
    ),
    h('h2', {}, 'Timeline'),
    h('ol', { class: 'timeline' }, timeline),
    refundForm(order, reload),
  )
}

function refundForm(order: Order, reload: () => Promise<void>): Node {
  const left = order.total_cents - order.refunded_cents
  if (!['paid', 'delivering', 'completed'].includes(order.status) || left <= 0) return h('div')
  const status = h('div', { 'aria-live': 'polite' })
  const button = h('button', { type: 'submit', class: 'danger' }, `Refund ${money(left, order.currency)}`)
  const form = h('form', { class: 'card' }, h('h2', {}, 'Refund'), status, button)
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (!confirm(`Refund ${money(left, order.currency)} to ${order.customer_email}?`)) return
    button.disabled = true
    try {
      await sx().POST('/v1/orders/{id}/refunds', {
        params: { path: { id: order.id } },
        body: { reason: 'requested_by_buyer' },
      })
      await reload()
    } catch (error) {
      status.replaceChildren(errorBox(error))
      button.disabled = false
    }
  })
  return form
}
