// A product's description, written in Markdown by the merchant and shown to every buyer: rendered
// by markdown-it with raw HTML off (typed tags come out as text), then cleaned by sanitize-html to
// an allow-list of tags and attributes, links only to http(s) and mailto, each rel="nofollow
// noopener". Two layers: a renderer bug or a future option cannot bring script into the page.
import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false })

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'strong',
    'em',
    's',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // The page's own <h1> is the product's name: a description's headings sit one level below it.
    h1: 'h2',
    h2: 'h3',
    h3: 'h4',
    h4: 'h5',
    h5: 'h6',
    // Only absolute http(s) and mailto targets: a relative or odd one ("jav%09ascript:") loses its href.
    a: (tagName, attribs) => {
      const kept: sanitizeHtml.Attributes = { rel: 'nofollow noopener', target: '_blank' }
      if (attribs.href && LINK_TARGET.test(attribs.href)) kept.href = attribs.href
      if (attribs.title) kept.title = attribs.title
      return { tagName, attribs: kept }
    },
  },
}
const LINK_TARGET = /^(https?:\/\/|mailto:)/i

/** Safe HTML for a description ('' for none). */
export function renderDescription(source: string | null): string {
  if (!source) return ''
  return sanitizeHtml(markdown.render(source), SANITIZE)
}

/** The description as one line of plain text (meta and OpenGraph descriptions), at most `max` characters. */
export function descriptionSummary(source: string | null, max = 200): string {
  if (!source) return ''
  const text = sanitizeHtml(markdown.render(source), { allowedTags: [], allowedAttributes: {} })
    .replace(/\s+/g, ' ')
    .trim()
  const decoded = text.replace(/&(amp|lt|gt|quot|#39);/g, (_, entity: string) => ENTITIES[entity] ?? '')
  return decoded.length > max ? `${decoded.slice(0, max - 1).trimEnd()}…` : decoded
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }
