// One endpoint's delivery log: every attempt (time, event, outcome, HTTP code, duration, the start
// of the answer), with "Retry" on a failed attempt of a real event not delivered since. A failed
// test ping has no Retry: the server refuses it (conflict), "Send test" sends another.
import type { ListItem } from '@sx/sdk'
import { h } from '../dom.ts'
import { whileBusy } from '../forms.ts'
import { sx } from '../session.ts'
import { empty, errorBox, loadInto, table, when } from '../view.ts'

type Delivery = ListItem<'/v1/webhooks/{id}/deliveries'>
const EXCERPT_CHARS = 120
const LOG_SIZE = 20

/** The log's element and `refresh()` (after Send test, say). */
export function deliveryLog(webhookId: string): { element: HTMLElement; refresh(): Promise<void> } {
  const list = h('div')
  const problem = h('div', { 'aria-live': 'polite' })
  const refresh = () =>
    loadInto(
      list,
      () =>
        sx().GET('/v1/webhooks/{id}/deliveries', { params: { path: { id: webhookId }, query: { limit: LOG_SIZE } } }),
      (page) => {
        if (page.data.length === 0)
          return empty('No deliveries yet. "Send test" sends a signed ping; events follow as they happen.')
        // An event delivered since (a retry) has no further attempts: its failed rows offer none.
        const delivered = new Set(page.data.filter((d) => d.status === 'succeeded').map((d) => d.event_id))
        const log = table(
          ['Time', 'Event', 'Status', 'HTTP', 'Duration', 'Answer', ''],
          page.data.map((delivery) => {
            const pending = delivery.status === 'failed' && !delivered.has(delivery.event_id)
            return [
              when(delivery.created_at),
              delivery.event_type,
              outcome(delivery, pending),
              delivery.response_code === null ? '—' : String(delivery.response_code),
              `${delivery.duration_ms} ms`,
              answer(delivery),
              pending && delivery.trigger !== 'test' ? retryButton(delivery) : '',
            ]
          }),
        )
        return page.has_more ? h('div', {}, log, h('p', { class: 'muted' }, `The latest ${LOG_SIZE} attempts.`)) : log
      },
    )
  const retryButton = (delivery: Delivery) => {
    const button = h('button', { type: 'button' }, 'Retry')
    const retry = async () => {
      await sx().POST('/v1/webhooks/{id}/deliveries/{delivery_id}/retry', {
        params: { path: { id: webhookId, delivery_id: delivery.id } },
      })
      problem.replaceChildren()
      await refresh()
    }
    button.addEventListener('click', () =>
      whileBusy(button, retry, (error) => problem.replaceChildren(errorBox(error))),
    )
    return button
  }
  return { element: h('div', { class: 'deliveries' }, problem, list), refresh }
}

function outcome(delivery: Delivery, pending: boolean): HTMLElement {
  const retrying = pending && delivery.next_retry_at !== null ? `, next try ${when(delivery.next_retry_at)}` : ''
  return h(
    'span',
    { class: delivery.status === 'failed' ? 'bad' : 'ok' },
    `${delivery.status} (${delivery.trigger}, attempt ${delivery.attempt}${retrying})`,
  )
}

/** The answer's first characters, or the error when no answer came (timeout, refused). */
function answer(delivery: Delivery): Node | string {
  const text = delivery.response_excerpt ?? delivery.error ?? ''
  if (text === '') return '—'
  const short = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text
  return h('code', { class: 'excerpt', title: text }, short)
}
