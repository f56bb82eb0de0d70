// Loading, empty and error states shared by every page, and the formatting they all use.
import { SxError } from '@sx/sdk'
import { h } from './dom.ts'

/** The message a failed call shows: the problem's `detail` when the server sent one, and which fields it refused. */
function describeError(error: unknown): string {
  if (error instanceof SxError) {
    const fields = Object.entries(error.errors ?? {}).map(([field, messages]) => `${field} ${messages.join(', ')}`)
    return fields.length === 0 ? error.detail : `${error.detail} ${fields.join('; ')}.`
  }
  return error instanceof Error ? error.message : String(error)
}

export const errorBox = (error: unknown) => h('p', { class: 'error', role: 'alert' }, describeError(error))
export const empty = (text: string) => h('p', { class: 'empty' }, text)

/**
 * Shows "Loading…" in `into`, then what `render` builds from `load`'s answer, or the error.
 * `quiet`: keep what is shown until the answer comes (a refresh that should not flicker).
 */
export async function loadInto<T>(
  into: HTMLElement,
  load: () => Promise<T>,
  render: (data: T) => Node,
  options: { quiet?: boolean } = {},
): Promise<void> {
  if (!options.quiet) into.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Loading…'))
  try {
    into.replaceChildren(render(await load()))
  } catch (error) {
    into.replaceChildren(errorBox(error))
  }
}

export function money(cents: number, currency: string): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100)
}

export function when(iso: string | null): string {
  return iso === null ? '—' : new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' })
}

/** A table with a header row; `rows` are arrays of cells. */
export function table(headers: string[], rows: (Node | string)[][]): HTMLTableElement {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((name) => h('th', { scope: 'col' }, name)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((cell) => h('td', {}, cell)),
        ),
      ),
    ),
  )
}

/** A secret the server shows once (API key, webhook secret), with a copy button. */
export function secretNotice(secret: string, what = 'Your new key.'): HTMLElement {
  const copied = h('span', { 'aria-live': 'polite' })
  const copy = async () => {
    await navigator.clipboard.writeText(secret)
    copied.textContent = 'Copied'
  }
  return h(
    'div',
    { class: 'card notice', role: 'status' },
    h('p', {}, `${what} It is shown this once: store it now.`),
    h('code', { class: 'secret', 'data-testid': 'secret' }, secret),
    h('button', { type: 'button', onclick: copy }, 'Copy'),
    copied,
  )
}
