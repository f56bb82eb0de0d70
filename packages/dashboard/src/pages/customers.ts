// Customers: everyone who placed an order in this mode (orders placed, what they spent, last seen),
// searched by email on the server; and one customer with their orders (`/v1/orders?customer_id=`),
// each linking to its order page.
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { empty, loadInto, table, when } from '../view.ts'
import { orderRows } from './orders.ts'

/** Customers and a customer's orders shown per page; more is said rather than paged through. */
const SHOWN = 100
/** Typing pauses this long before the search is sent. */
const SEARCH_DELAY_MS = 250

/** Lifetime spend is summed over the customer's orders whatever their currency, so it is shown without one. */
const spent = (cents: number) => new Intl.NumberFormat('en', { minimumFractionDigits: 2 }).format(cents / 100)

export function customersPage(): HTMLElement {
  const search = h('input', { id: 'customer-search', type: 'search', autocomplete: 'off' })
  const list = h('div')
  const load = () => {
    const email = search.value.trim()
    return loadInto(
      list,
      () => sx().GET('/v1/customers', { params: { query: { limit: SHOWN, ...(email ? { email } : {}) } } }),
      (page) =>
        page.data.length === 0
          ? empty(email ? 'No customer email matches.' : 'No customers yet: a customer appears with their first order.')
          : table(
              ['Email', 'Orders', 'Total spent', 'Last seen'],
              page.data.map((c) => [
                h('a', { href: `/dashboard/customers/${c.id}` }, c.email),
                String(c.orders_count),
                spent(c.lifetime_cents),
                when(c.last_seen_at),
              ]),
            ),
    )
  }
  let typing: ReturnType<typeof setTimeout> | undefined
  search.addEventListener('input', () => {
    clearTimeout(typing)
    typing = setTimeout(() => void load(), SEARCH_DELAY_MS)
  })
  void load()
  return h(
    'section',
    {},
    h('h1', {}, 'Customers'),
    h('div', { class: 'filters' }, h('label', { for: 'customer-search' }, 'Search by email'), search),
    list,
  )
}

export function customerPage(id: string): HTMLElement {
  const body = h('div')
  const heading = h('h1', {}, 'Customer')
  void loadInto(
    body,
    () =>
      Promise.all([
        sx().GET('/v1/customers/{id}', { params: { path: { id } } }),
        sx().GET('/v1/orders', { params: { query: { customer_id: id, limit: SHOWN } } }),
      ]),
    ([customer, orders]) => {
      heading.textContent = customer.email
      return h(
        'div',
        {},
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Orders'),
          h('dd', {}, String(customer.orders_count)),
          h('dt', {}, 'Total spent'),
          h('dd', {}, spent(customer.lifetime_cents)),
          h('dt', {}, 'First seen'),
          h('dd', {}, when(customer.first_seen_at)),
          h('dt', {}, 'Last seen'),
          h('dd', {}, when(customer.last_seen_at)),
        ),
        h('h2', {}, 'Orders'),
        orders.data.length === 0
          ? empty('No orders.')
          : table(['Order', 'Status', 'Total', 'Created'], orderRows(orders.data)),
        orders.has_more ? h('p', { class: 'muted' }, `The ${SHOWN} most recent orders.`) : null,
      )
    },
  )
  return h('section', {}, h('p', {}, h('a', { href: '/dashboard/customers' }, '← Customers')), heading, body)
}
