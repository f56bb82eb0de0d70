import { escapeHtml } from './escape-html.ts'

/** A copy button for `value`; hidden by CSS until the page script marks the document as able to run it. */
export function copyButton(value: string, what: string): string {
  return `<button type="button" class="copy" data-copy="${escapeHtml(value)}">Copy<span class="visually-hidden"> ${escapeHtml(what)}</span></button>`
}
