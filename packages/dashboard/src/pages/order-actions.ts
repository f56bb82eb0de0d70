// What the merchant can do to an order, each offered only when the order is in a state the API
// accepts it: refund (all or part), email the buyer again, run a failed delivery again, and mark
// physical goods shipped. Each calls the /v1 route through the SDK and reloads the order.
import type { components } from '@sx/sdk'
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { cardForm, onSubmit } from '../forms.ts'
import { errorBox, money } from '../view.ts'
import { field, toCents } from './product-fields.ts'

type Order = components['schemas']['Order']

export function orderActions(order: Order, reload: () => Promise<void>): Node {
  const left = order.total_cents - order.refunded_cents
  const awaitsShipping = order.delivery.state === 'awaiting_fulfilment' && order.status === 'paid'
  return h(
    'div',
    { class: 'actions' },
    order.paid_at !== null && left > 0 && order.status !== 'refunded' ? refundForm(order, left, reload) : null,
    awaitsShipping ? fulfilForm(order, reload) : null,
    order.status === 'failed' && order.failure_reason === 'delivery_failed'
      ? h(
          'div',
          { class: 'card' },
          h('h2', {}, 'Delivery failed'),
          action('Redeliver', 'Runs the failed delivery again (e.g. once your endpoint answers again).', async () => {
            // No reload here: it would replace this answer; the delivery runs in the background anyway.
            const again = await sx().POST('/v1/orders/{id}/redeliver', { params: { path: { id: order.id } } })
            return `Delivery started again (the order is ${again.status}); reload to follow it.`
          }),
        )
      : null,
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Buyer email'),
      action('Resend email', `Emails ${order.customer_email} the order again.`, async () => {
        const sent = await sx().POST('/v1/orders/{id}/resend', { params: { path: { id: order.id } } })
        return `Sent to ${sent.recipient} (${sent.delivery_kind.replaceAll('_', ' ')}).`
      }),
    ),
  )
}

/** A button with a line saying what it does, then what happened (or the error). */
function action(label: string, what: string, run: () => Promise<string>): HTMLElement {
  const result = h('div', { 'aria-live': 'polite' })
  const button = h('button', { type: 'submit' }, label)
  const form = h('form', { class: 'action' }, h('p', { class: 'muted' }, what), button, result)
  onSubmit(
    form,
    button,
    async () => {
      result.replaceChildren(h('p', { class: 'ok', role: 'status' }, await run()))
    },
    (error) => result.replaceChildren(errorBox(error)),
  )
  return form
}

function refundForm(order: Order, left: number, reload: () => Promise<void>): HTMLFormElement {
  const amount = h('input', {
    id: 'refund-amount',
    type: 'number',
    min: 0.01,
    max: (left / 100).toFixed(2),
    step: '0.01',
    required: true,
    value: (left / 100).toFixed(2),
  })
  const button = h('button', { type: 'submit', class: 'danger' }, 'Refund')
  const hint = `Up to ${money(left, order.currency)}; less for a partial refund.`
  return cardForm('Refund', button, [field(`Amount (${order.currency})`, amount, hint)], async () => {
    const cents = toCents(amount.value)
    if (!confirm(`Refund ${money(cents, order.currency)} to ${order.customer_email}?`)) return
    await sx().POST('/v1/orders/{id}/refunds', {
      params: { path: { id: order.id } },
      body: { amount_cents: cents, reason: 'requested_by_buyer' },
    })
    await reload()
  })
}

function fulfilForm(order: Order, reload: () => Promise<void>): HTMLFormElement {
  const carrier = h('input', { id: 'fulfil-carrier', required: true, maxlength: 100 })
  const tracking = h('input', { id: 'fulfil-tracking', required: true, maxlength: 100 })
  const button = h('button', { type: 'submit' }, 'Mark shipped')
  const parts = [
    h('p', { class: 'muted' }, 'The order completes and the buyer gets the tracking details.'),
    field('Carrier', carrier),
    field('Tracking number', tracking),
  ]
  return cardForm('Ship', button, parts, async () => {
    await sx().POST('/v1/orders/{id}/fulfil', {
      params: { path: { id: order.id } },
      body: { carrier: carrier.value, tracking_number: tracking.value },
    })
    await reload()
  })
}
