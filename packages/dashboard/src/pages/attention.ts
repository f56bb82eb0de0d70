// Home's "Needs attention": what the merchant has to act on, each item linking where they act.
// Each kind is one filtered /v1 list (the server filters; nothing is fetched whole to sift here):
// physical orders paid and waiting to be shipped, deliveries that failed, webhook endpoints that
// are disabled, and active products with LOW_STOCK units or fewer (unlimited stock never counts).
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { empty, loadInto } from '../view.ts'

/** At or below this many units an active product is listed as low on stock. */
export const LOW_STOCK = 5
/** Items shown per kind; the page linked to has the rest. */
const SHOWN = 10

type Item = { text: string; href: string }

export function needsAttention(): HTMLElement {
  const body = h('div')
  void loadInto(body, loadItems, (items) =>
    items.length === 0
      ? empty('Nothing needs your attention.')
      : h(
          'ul',
          { class: 'attention' },
          items.map((item) => h('li', {}, h('a', { href: item.href }, item.text))),
        ),
  )
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'attention-title' },
    h('h2', { id: 'attention-title' }, 'Needs attention'),
    body,
  )
}

async function loadItems(): Promise<Item[]> {
  const orders = (query: { status: 'paid' | 'failed'; delivery_state: 'awaiting_fulfilment' | 'failed' }) =>
    sx().GET('/v1/orders', { params: { query: { ...query, limit: SHOWN } } })
  const [toShip, failed, webhooks, lowStock] = await Promise.all([
    orders({ status: 'paid', delivery_state: 'awaiting_fulfilment' }),
    orders({ status: 'failed', delivery_state: 'failed' }),
    sx().GET('/v1/webhooks', { params: { query: { status: 'disabled', limit: SHOWN } } }),
    sx().GET('/v1/products', { params: { query: { status: 'active', stock_at_most: LOW_STOCK, limit: SHOWN } } }),
  ])
  return [
    ...toShip.data.map((o) => ({
      text: `Ship order ${o.id} (${o.customer_email}): paid, awaiting fulfilment`,
      href: `/dashboard/orders/${o.id}`,
    })),
    ...failed.data.map((o) => ({
      text: `Order ${o.id} (${o.customer_email}): delivery failed, deliver it again`,
      href: `/dashboard/orders/${o.id}`,
    })),
    ...webhooks.data.map((w) => ({
      text: `Webhook endpoint ${w.url} is disabled${w.disabled_reason ? ` (${w.disabled_reason})` : ''}`,
      href: '/dashboard/webhooks',
    })),
    ...lowStock.data.map((p) => ({
      text: `${p.name}: ${p.stock === 0 ? 'sold out' : `${p.stock} left in stock`}`,
      href: '/dashboard/products',
    })),
  ]
}
