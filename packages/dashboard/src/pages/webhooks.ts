// Webhooks: the endpoints of the current mode (URL, events, enabled or not, description), adding
// one with an event picker (its signing secret shown once), and per endpoint: send a test ping,
// enable/disable, rotate the secret (the new one shown once), delete, and its delivery log.
import type { ListItem } from '@sx/sdk'
import { h } from '../dom.ts'
import { clearFieldErrors, field, onSubmit, showFieldErrors, whileBusy } from '../forms.ts'
import { session, sx } from '../session.ts'
import { empty, errorBox, loadInto, secretNotice, when } from '../view.ts'
import { deliveryLog } from './webhook-deliveries.ts'
import { eventPicker } from './webhook-events.ts'

type Endpoint = ListItem<'/v1/webhooks'>

export function webhooksPage(): HTMLElement {
  const list = h('div')
  const notice = h('div', { 'aria-live': 'polite' })
  const refresh = () =>
    loadInto(
      list,
      () => sx().GET('/v1/webhooks', { params: { query: { limit: 100 } } }),
      (page) =>
        page.data.length === 0
          ? empty('No endpoints yet. Add one above: sx then POSTs each chosen event to it, signed.')
          : h(
              'div',
              {},
              page.data.map((endpoint) => endpointCard(endpoint, refresh)),
            ),
    )
  void refresh()
  return h('section', {}, h('h1', {}, 'Webhooks'), createForm(notice, refresh), notice, h('h2', {}, 'Endpoints'), list)
}

function createForm(notice: HTMLElement, refresh: () => Promise<void>): HTMLFormElement {
  const live = session().livemode
  const url = h('input', { id: 'webhook-url', type: 'url', required: true, maxlength: 2048 })
  const description = h('input', { id: 'webhook-description', maxlength: 500 })
  const events = eventPicker()
  const fields = [
    field(
      'url',
      'Endpoint URL',
      url,
      live
        ? 'Live mode sends to https:// URLs on public addresses only.'
        : 'Test mode also takes http:// and loopback.',
    ),
    field('description', 'Description (optional)', description),
  ]
  const button = h('button', { type: 'submit' }, 'Add endpoint')
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, `New ${live ? 'live' : 'test'} endpoint`),
    fields.map((f) => f.row),
    events.element,
    button,
  )
  const create = async () => {
    const chosen = events.selected()
    if (chosen.length === 0) throw new Error('Pick at least one event.')
    const created = await sx().POST('/v1/webhooks', {
      body: { url: url.value, events: chosen, description: description.value.trim() || null },
    })
    clearFieldErrors(fields)
    notice.replaceChildren(secretNotice(created.signing_secret ?? '', `Signing secret of ${created.url}.`))
    form.reset()
    await refresh()
  }
  onSubmit(form, button, create, (error) => showFieldErrors(error, notice, fields))
  return form
}

function endpointCard(endpoint: Endpoint, refresh: () => Promise<void>): HTMLElement {
  const headingId = `webhook-${endpoint.id}`
  const said = h('div', { 'aria-live': 'polite' })
  const log = deliveryLog(endpoint.id)
  /** A button that runs `run`, showing its error (with the problem's detail) in the card. */
  const action = (label: string, run: () => Promise<unknown>, className?: string) => {
    const button = h('button', { type: 'button', class: className }, label)
    button.addEventListener('click', () => whileBusy(button, run, (error) => said.replaceChildren(errorBox(error))))
    return button
  }
  const path = { params: { path: { id: endpoint.id } } }
  const sendTest = async () => {
    const result = await sx().POST('/v1/webhooks/{id}/test', path)
    const code = result.response_code === null ? (result.error ?? 'no answer') : `HTTP ${result.response_code}`
    said.replaceChildren(
      h(
        'p',
        { class: result.delivered ? 'ok' : 'error', role: 'status' },
        `Test ping ${result.delivered ? 'delivered' : 'failed'}: ${code} in ${result.delivery_ms} ms.`,
      ),
    )
    await log.refresh()
  }
  const rotate = async () => {
    const rotated = await sx().POST('/v1/webhooks/{id}/rotate_secret', path)
    said.replaceChildren(
      secretNotice(rotated.signing_secret ?? '', 'New signing secret. The old one also signs for 24 hours.'),
    )
  }
  const enabled = endpoint.status === 'active'
  const toggle = async () => {
    await sx().PATCH('/v1/webhooks/{id}', { ...path, body: { status: enabled ? 'disabled' : 'active' } })
    await refresh()
  }
  const remove = async () => {
    if (!confirm(`Delete the endpoint ${endpoint.url}? Nothing more is sent to it.`)) return
    await sx().DELETE('/v1/webhooks/{id}', path)
    await refresh()
  }
  void log.refresh()
  return h(
    'section',
    { class: 'card endpoint', 'aria-labelledby': headingId },
    h('h3', { id: headingId, class: 'mono' }, endpoint.url),
    endpoint.description ? h('p', {}, endpoint.description) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Events'),
      h('dd', {}, endpoint.events.join(', ')),
      h('dt', {}, 'Status'),
      h('dd', { class: enabled ? 'ok' : 'bad' }, statusText(endpoint)),
      endpoint.previous_secret_expires_at === null ? null : h('dt', {}, 'Old secret signs until'),
      endpoint.previous_secret_expires_at === null ? null : h('dd', {}, when(endpoint.previous_secret_expires_at)),
    ),
    h(
      'div',
      { class: 'actions' },
      action('Send test', sendTest),
      action(enabled ? 'Disable' : 'Enable', toggle),
      action('Rotate secret', rotate),
      action('Delete', remove, 'danger'),
    ),
    said,
    h('h4', {}, 'Deliveries'),
    log.element,
  )
}

function statusText(endpoint: Endpoint): string {
  if (endpoint.status === 'active') return 'Enabled'
  if (endpoint.disabled_reason === 'gone') return 'Disabled by sx: the receiver answered 410 Gone'
  if (endpoint.disabled_reason === 'failing') return 'Disabled by sx: every attempt failed for 48 hours'
  return 'Disabled'
}
