// Home: what needs attention, the balance per currency, paid orders and revenue per day for 30 days, the latest orders.
import { h, svg } from '../dom.ts'
import { sx } from '../session.ts'
import { empty, loadInto, money, table } from '../view.ts'
import { needsAttention } from './attention.ts'
import { balanceTiles } from './balance.ts'
import { orderRows } from './orders.ts'

type Day = { date: string; orders: number; revenue: { currency: string; amount_cents: number }[] }

export function homePage(): HTMLElement {
  const balance = h('div')
  const chart = h('div')
  const recent = h('div')
  void loadInto(balance, () => sx().GET('/v1/balance'), balanceTiles)
  void loadInto(
    chart,
    () => sx().GET('/v1/reports/daily', { params: { query: { days: 30 } } }),
    (report) => dailyChart(report.data),
  )
  void loadInto(
    recent,
    () => sx().GET('/v1/orders', { params: { query: { limit: 5 } } }),
    (page) =>
      page.data.length === 0
        ? empty('No orders yet.')
        : table(['Order', 'Status', 'Total', 'Created'], orderRows(page.data)),
  )
  return h(
    'section',
    {},
    h('h1', {}, 'Home'),
    needsAttention(),
    h('h2', {}, 'Balance'),
    balance,
    h('h2', {}, 'Last 30 days'),
    chart,
    h('h2', {}, 'Recent orders'),
    recent,
  )
}

/** Bars of paid orders per day, with the day's revenue in each bar's tooltip and a text summary for screen readers. */
function dailyChart(days: Day[]): Node {
  const total = days.reduce((sum, day) => sum + day.orders, 0)
  const revenue = new Map<string, number>()
  for (const day of days)
    for (const r of day.revenue) revenue.set(r.currency, (revenue.get(r.currency) ?? 0) + r.amount_cents)
  const sums = [...revenue].map(([currency, cents]) => `, ${money(cents, currency)}`).join('')
  const summary = `${total} paid order${total === 1 ? '' : 's'}${sums}`
  const max = Math.max(1, ...days.map((day) => day.orders))
  const width = 600
  const height = 120
  const step = width / Math.max(days.length, 1)
  const bars = days.map((day, i) => {
    const barHeight = (day.orders / max) * (height - 10)
    const earned = day.revenue.map((r) => money(r.amount_cents, r.currency)).join(', ') || 'no revenue'
    return svg(
      'rect',
      { x: i * step + 1, y: height - barHeight, width: Math.max(step - 2, 1), height: barHeight, class: 'bar' },
      svg('title', {}, `${day.date}: ${day.orders} orders, ${earned}`),
    )
  })
  const baseline = svg('line', { x1: 0, y1: height, x2: width, y2: height, class: 'axis' })
  const picture = svg(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Orders per day: ${summary}`, class: 'chart' },
    ...bars,
    baseline,
  )
  return h(
    'figure',
    {},
    picture,
    h('figcaption', {}, `${days[0]?.date ?? ''} – ${days.at(-1)?.date ?? ''}: ${summary}`),
  )
}
