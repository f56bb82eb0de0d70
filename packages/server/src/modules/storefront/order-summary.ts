// What was bought and what it cost: a receipt in every state of the page.
import { escapeHtml } from './escape-html.ts'
import { formatMoney, networkName } from './format.ts'
import type { OrderPageView } from './view.ts'

export function renderOrderSummary(view: OrderPageView): string {
  const rows = view.lines
    .map(
      (line) => `<tr>
        <th scope="row">${line.imageUrl ? `<img class="line-image" src="${escapeHtml(line.imageUrl)}" alt="" width="40" height="40">` : ''}${escapeHtml(line.name)}${line.qty === 1 ? '' : ` <span class="qty">× ${escapeHtml(line.qty)}</span>`}</th>
        <td>${escapeHtml(formatMoney(line.subtotalCents, view.currency))}</td>
      </tr>`,
    )
    .join('\n      ')
  return `<section class="summary" aria-labelledby="summary-heading">
  <h2 id="summary-heading">Order summary</h2>
  <table class="summary-table">
    <thead class="visually-hidden"><tr><th scope="col">Item</th><th scope="col">Amount</th></tr></thead>
    <tbody>
      ${rows}
    </tbody>
    <tfoot>
      ${view.discount ? `<tr class="discount"><th scope="row">Discount (${escapeHtml(view.discount.code)})</th><td>−${escapeHtml(formatMoney(view.discount.cents, view.currency))}</td></tr>` : ''}
      <tr><th scope="row">Total</th><td>${escapeHtml(formatMoney(view.totalCents, view.currency))}</td></tr>
      ${renderPaidWith(view)}
    </tfoot>
  </table>
  ${view.payment?.status === 'overpaid' ? '<p class="notice notice-info">You sent more than was due. The shop has been notified and will contact you about the difference.</p>' : ''}
</section>`
}

/** Once money has settled, the receipt says what actually paid for the order. */
function renderPaidWith(view: OrderPageView): string {
  const payment = view.payment
  if (!payment || !['settled', 'overpaid', 'paid_late'].includes(payment.status)) return ''
  return `<tr class="paid-with"><th scope="row">Paid</th><td><span class="mono">${escapeHtml(payment.amountPaid)} ${escapeHtml(payment.asset.toUpperCase())}</span> on ${escapeHtml(networkName(payment.chain))}</td></tr>`
}
