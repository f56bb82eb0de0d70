// Form helpers: a button busy while its action runs, and labelled fields that show the server's
// per-field messages (a 400/422 problem's `errors`, keyed by field name) under the field they
// concern, next to the problem's `detail`.
import { SxError } from '@sx/sdk'
import { h } from './dom.ts'
import { errorBox } from './view.ts'

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
export type Field = { name: string; row: HTMLElement; show(messages: string[] | undefined): void }

/** A label, the control (its id must be set) and the place for its errors, linked by aria-describedby. */
export function field(name: string, label: string, control: Control, hint?: string): Field {
  const errorId = `${control.id}-error`
  const message = h('p', { id: errorId, class: 'field-error', hidden: true })
  const hintId = hint === undefined ? undefined : `${control.id}-hint`
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '))
  const row = h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint === undefined ? null : h('p', { id: hintId, class: 'muted hint' }, hint),
    message,
  )
  const show = (messages: string[] | undefined) => {
    // The first message says it; the rest are the schema's alternatives ("must be null", "anyOf").
    message.textContent = messages?.[0] ?? ''
    message.hidden = messages === undefined
    if (messages === undefined) control.removeAttribute('aria-invalid')
    else control.setAttribute('aria-invalid', 'true')
  }
  return { name, row, show }
}

/** Shows `error` in `notice` (its detail) and on each field it names; clears the others. */
export function showFieldErrors(error: unknown, notice: HTMLElement, fields: Field[]): void {
  const errors = error instanceof SxError ? (error.errors ?? {}) : {}
  for (const f of fields) f.show(errors[f.name])
  notice.replaceChildren(errorBox(error))
}

export function clearFieldErrors(fields: Field[]): void {
  for (const f of fields) f.show(undefined)
}

/** Runs `run` with `button` disabled meanwhile (no double submit); a throw goes to `failed`. */
export async function whileBusy(
  button: HTMLButtonElement,
  run: () => Promise<unknown>,
  failed: (error: unknown) => void,
): Promise<void> {
  button.disabled = true
  try {
    await run()
  } catch (error) {
    failed(error)
  } finally {
    button.disabled = false
  }
}

/** The form's submit (Enter or its button) runs `run` through whileBusy instead of navigating. */
export function onSubmit(
  form: HTMLFormElement,
  button: HTMLButtonElement,
  run: () => Promise<unknown>,
  failed: (error: unknown) => void,
): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void whileBusy(button, run, failed)
  })
}

/**
 * A form in a card: a heading, `parts`, the submit button, then a status line that shows `work`'s
 * error or what `work` puts there (`status`, handed to it).
 */
export function cardForm(
  heading: string,
  button: HTMLButtonElement,
  parts: (Node | null)[],
  work: (status: HTMLElement) => Promise<void>,
): HTMLFormElement {
  const status = h('div', { 'aria-live': 'polite' })
  const form = h('form', { class: 'card' }, h('h2', {}, heading), parts, button, status)
  onSubmit(
    form,
    button,
    () => work(status),
    (error) => status.replaceChildren(errorBox(error)),
  )
  return form
}
