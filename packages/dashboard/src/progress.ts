// A labelled progress bar with a line of text under it (stock imports, file uploads): the bar for
// sighted users, the text (in a live region) for screen readers and for the result.
import { h } from './dom.ts'

export type Progress = {
  element: HTMLElement
  /** Shows the bar at `done` of `total` with `text` under it. */
  update(done: number, total: number, text: string): void
  /** Leaves the bar where it got to and shows `result` under it (the outcome, or an error's node). */
  finish(result: string | Node): void
}

export function progressBar(id: string, label: string): Progress {
  const bar = h('progress', { id, max: 1, value: 0 })
  const text = h('p', { role: 'status', 'aria-live': 'polite' })
  const barRow = h('div', { hidden: true }, h('label', { for: id }, label), bar)
  return {
    element: h('div', { class: 'progress' }, barRow, text),
    update(done, total, message) {
      barRow.hidden = false
      bar.max = Math.max(total, 1)
      bar.value = done
      text.textContent = message
    },
    finish(result) {
      text.replaceChildren(result)
    },
  }
}
