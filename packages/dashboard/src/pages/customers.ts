// Customers: everyone who placed an order in this mode (orders placed, what they spent, last seen),
// and one customer with their latest orders, each linking to its order page. The API lists
// customers without a text search, so the list has none.
import type { operations } from '@sx/sdk'
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { empty, loadInto, money, table, when } from '../view.ts'

type CustomerOrder = operations['getCustomer']['responses'][200]['content']['application/json']['orders'][number]

/** Lifetime spend is summed over the customer's orders whatever their currency, so it is shown without one. */
const spent = (cents: number) => new Intl.NumberFormat('en', { minimumFractionDigits: 2 }).format(cents / 100)

export function customersPage(): HTMLElement {
  const list = h('div')
  void loadInto(
    list,
    () => sx().GET('/v1/customers', { params: { query: { limit: 100 } } }),
    (page) =>
      page.data.length === 0
        ? empty('No customers yet: a customer appears here with their first order.')
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
  return h('section', {}, h('h1', {}, 'Customers'), list)
}

export function customerPage(id: string): HTMLElement {
  const body = h('div')
  const heading = h('h1', {}, 'Customer')
  void loadInto(
    body,
    () => sx().GET('/v1/customers/{id}', { params: { path: { id } } }),
    (customer) => {
      heading.textContent = customer.email
      const shown = customer.orders.length
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
        shown === 0 ? empty('No orders.') : ordersTable(customer.orders),
        customer.orders_count > shown
          ? h('p', { class: 'muted' }, `The ${shown} most recent of ${customer.orders_count} orders.`)
          : null,
      )
    },
  )
  return h('section', {}, h('p', {}, h('a', { href: '/dashboard/customers' }, '← Customers')), heading, body)
}

function ordersTable(orders: CustomerOrder[]): Node {
  return table(
    ['Order', 'Status', 'Total', 'Created', 'Paid'],
    orders.map((o) => [
      h('a', { href: `/dashboard/orders/${o.id}` }, o.id),
      o.status,
      money(o.total_cents, o.currency),
      when(o.created_at),
      when(o.paid_at),
    ]),
  )
}
