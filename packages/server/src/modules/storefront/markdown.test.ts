// The product description's Markdown → HTML: the usual XSS payloads, raw and hidden in Markdown,
// come out as text or lose their dangerous part; what a merchant means to write still renders.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { descriptionSummary, renderDescription } from './markdown.ts'

const TAGS = new Set(['p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre'])
for (const tag of ['blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td']) TAGS.add(tag)
const ATTRIBUTES: Record<string, string[]> = {
  a: ['href', 'title', 'rel', 'target'],
  ol: ['start'],
  th: ['align'],
  td: ['align'],
}

/** Every tag in the output is allowed, with allowed attributes only, and every href is http(s) or mailto. */
function assertSafe(html: string, payload: string): void {
  for (const [, name = '', attributes = ''] of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
    assert.ok(TAGS.has(name.toLowerCase()), `<${name}> from ${JSON.stringify(payload)}: ${html}`)
    for (const [, attribute = '', value = ''] of attributes.matchAll(/\s([^\s=]+)="([^"]*)"/g)) {
      assert.ok(ATTRIBUTES[name]?.includes(attribute), `${name}[${attribute}] from ${JSON.stringify(payload)}: ${html}`)
      if (attribute === 'href') assert.match(value, /^(https?:\/\/|mailto:)/i, `href from ${JSON.stringify(payload)}`)
    }
  }
  assert.doesNotMatch(html, /<(script|img|iframe|svg|style|object|embed|form|input|meta|link|base)\b/i)
}

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](&#x6A;&#x61;vascript:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click](%6Aavascript:alert(1))',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](//evil.example/)',
  '[click](/relative)',
  '<javascript:alert(1)>',
  'javascript:alert(1)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x" onerror="alert(1)](https://example.com/x.png)',
  '[x](https://example.com" onmouseover="alert(1))',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '**<img src=x onerror=alert(1)>**',
  '> <script>alert(1)</script>\n\n- <b onclick="alert(1)">x</b>',
  '```html\n<script>alert(1)</script>\n```',
  '<style>body{display:none}</style><meta http-equiv="refresh" content="0;url=https://evil.example">',
  '[a](https://example.com)<a href="https://evil.example" onclick="alert(1)">b</a>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
]

describe('product descriptions (markdown-it, then sanitize-html)', () => {
  it('neutralises the usual XSS payloads, raw, encoded and inside Markdown', () => {
    for (const payload of PAYLOADS) assertSafe(renderDescription(payload), payload)
  })

  it('shows typed HTML as text instead of dropping it silently', () => {
    assert.equal(renderDescription('<script>alert(1)</script>'), '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n')
    assert.equal(renderDescription('[click](javascript:alert(1))'), '<p>[click](javascript:alert(1))</p>\n')
  })

  it('renders Markdown: headings below the page title, emphasis, lists, code, tables and safe links', () => {
    const html = renderDescription(
      '# Title\n\n**bold** _em_ `code`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[site](https://example.com "Site") <mailto:help@example.com> https://example.org/faq',
    )
    assert.match(html, /<h2>Title<\/h2>/)
    assert.match(html, /<strong>bold<\/strong> <em>em<\/em> <code>code<\/code>/)
    assert.match(html, /<ul>\n<li>one<\/li>/)
    assert.match(html, /<table>/)
    assert.match(html, /<a rel="nofollow noopener" target="_blank" href="https:\/\/example.com" title="Site">site<\/a>/)
    assert.match(html, /<a rel="nofollow noopener" target="_blank" href="mailto:help@example.com">/)
    assert.match(
      html,
      /<a rel="nofollow noopener" target="_blank" href="https:\/\/example.org\/faq">https:\/\/example.org\/faq<\/a>/,
    )
    assertSafe(html, 'the merchant Markdown')
  })

  it('summarises a description as one line of text for meta tags', () => {
    assert.equal(descriptionSummary('# Big\n\n**Fast** & <b>safe</b>'), 'Big Fast & <b>safe</b>')
    assert.equal(descriptionSummary('x'.repeat(300)).length, 200)
    assert.equal(descriptionSummary(null), '')
  })
})
