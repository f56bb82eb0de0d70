// The submit step every form of the product and order pages shares: no page reload, the button
// disabled while the call runs (no double submit), and a failure shown with the problem's detail.
import { h } from './dom.ts'
import { errorBox } from './view.ts'

/** Runs `work` on submit; what it throws is shown by `showError` (e.g. `(box) => result.replaceChildren(box)`). */
export function onSubmit(
  form: HTMLFormElement,
  button: HTMLButtonElement,
  showError: (box: Node) => void,
  work: () => Promise<void>,
): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    button.disabled = true
    try {
      await work()
    } catch (error) {
      showError(errorBox(error))
    } finally {
      button.disabled = false
    }
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
    (box) => status.replaceChildren(box),
    () => work(status),
  )
  return form
}
