// Product descriptions are Markdown. The preview renders them as the storefront will: markdown-it
// with the same options (raw HTML off, bare URLs linked, no typographic replacements), then
// DOMPurify, so even a renderer bug cannot put a script or a `javascript:` link in the page.
import DOMPurify from 'dompurify'
import MarkdownIt from 'markdown-it'

/** The storefront renders with these options too: keep them the same. */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false })

/** The description as sanitised DOM nodes, ready to append. */
export function renderMarkdown(text: string): DocumentFragment {
  return DOMPurify.sanitize(markdown.render(text), { RETURN_DOM_FRAGMENT: true })
}
