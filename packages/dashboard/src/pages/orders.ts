// Orders: the list, filtered by status and creation dates and searched by order id or email, all
// by the server (GET /v1/orders `status`, `from`, `to`, `q`), a page at a time with "Show more".
// One order's page is order.ts.
import type { components, operations } from '@sx/sdk'
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { empty, errorBox, loadInto, money, table, when } from '../view.ts'

type Order = components['schemas']['Order']
type Query = NonNullable<operations['listOrders']['parameters']['query']>
const STATUSES = ['pending', 'awaiting_payment', 'paid', 'delivering', 'completed', 'failed', 'refunded'] as const
const PAGE = 50

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
  const from = h('input', { id: 'order-from', type: 'date' })
  const to = h('input', { id: 'order-to', type: 'date' })
  const search = h('input', { id: 'order-search', type: 'search', placeholder: 'Order id or email', maxlength: 254 })
  const list = h('div')

  const query = (): Query => ({
    limit: PAGE,
    ...(status.value ? { status: status.value as Order['status'] } : {}),
    ...(from.value ? { from: from.value } : {}),
    ...(to.value ? { to: to.value } : {}),
    ...(search.value.trim() ? { q: search.value.trim() } : {}),
  })
  const filtered = () => Boolean(status.value || from.value || to.value || search.value.trim())
  let latest = 0
  const load = () => {
    const ticket = ++latest
    return loadInto(
      list,
      () => sx().GET('/v1/orders', { params: { query: query() } }),
      (page) => {
        // A slower answer to an earlier search must not replace a later one.
        if (ticket !== latest) return list.firstChild ?? h('div')
        if (page.data.length === 0)
          return empty(
            filtered()
              ? 'No order matches. Clear the filters or search for another email or order id.'
              : 'No orders yet. They appear here when buyers check out (or create one with the API).',
          )
        return results(page, query())
      },
    )
  }
  let typing: ReturnType<typeof setTimeout> | undefined
  search.addEventListener('input', () => {
    clearTimeout(typing)
    typing = setTimeout(() => void load(), 250)
  })
  for (const control of [status, from, to]) control.addEventListener('change', () => void load())
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    h('label', { for: 'order-status' }, 'Status'),
    status,
    h('label', { for: 'order-from' }, 'From'),
    from,
    h('label', { for: 'order-to' }, 'To'),
    to,
    h('label', { for: 'order-search' }, 'Search'),
    search,
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    clearTimeout(typing)
    void load()
  })
  void load()
  return h('section', {}, h('h1', {}, 'Orders'), form, list)
}

type Page = { data: Order[]; has_more: boolean; next_cursor: string | null }

/** The table, and a "Show more" button while the server has more pages for these filters. */
function results(first: Page, query: Query): Node {
  const rows = (orders: Order[]) => orderRows(orders).map((row, i) => [...row, orders[i]!.customer_email])
  const shown = table(['Order', 'Status', 'Total', 'Created', 'Customer'], rows(first.data))
  const more = h('div')
  const addMore = (cursor: string | null) => {
    if (cursor === null) return more.replaceChildren()
    const button = h('button', { type: 'button' }, 'Show more')
    button.addEventListener('click', async () => {
      button.disabled = true
      try {
        const page = await sx().GET('/v1/orders', { params: { query: { ...query, cursor } } })
        const body = shown.tBodies[0]!
        for (const cells of rows(page.data))
          body.append(
            h(
              'tr',
              {},
              cells.map((cell) => h('td', {}, cell)),
            ),
          )
        addMore(page.has_more ? page.next_cursor : null)
      } catch (error) {
        more.replaceChildren(errorBox(error), button)
        button.disabled = false
      }
    })
    more.replaceChildren(button)
  }
  addMore(first.has_more ? first.next_cursor : null)
  return h('div', {}, shown, more)
}
