import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { escapeHtml } from './escape-html.ts'
import { ORDER_PAGE_SCRIPT } from './order-page.script.ts'
import { renderOrderPage } from './order-page.ts'
import { awaitingPaymentView, completedView } from './order-view.fixtures.ts'
import type { OrderPageView } from './view.ts'

const XSS = '<script>alert(1)</script>'
const META_REFRESH = '<noscript><meta http-equiv="refresh" content="15"></noscript>'

function count(html: string, needle: string): number {
  return html.split(needle).length - 1
}

/** The text of the first element carrying `data-testid="<id>"`, tags stripped and spaces collapsed. */
function testIdText(html: string, id: string): string {
  const match = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html)
  assert.ok(match, `data-testid="${id}" is present`)
  return (match[2] ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

const VOID_ELEMENTS = new Set(['meta', 'link', 'br', 'img', 'input', 'hr', 'source', 'wbr'])

/** Elements closed out of order or never closed (scripts, styles and comments skipped; `<x/>` is closed). */
function unclosedElements(html: string): string[] {
  const markup = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, '')
  const open: string[] = []
  const wrong: string[] = []
  for (const [, closing, name, selfClosing] of markup.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const tag = name!.toLowerCase()
    if (selfClosing || VOID_ELEMENTS.has(tag)) continue
    if (!closing) open.push(tag)
    else if (open.pop() !== tag) wrong.push(`</${tag}> closes the wrong element`)
  }
  return [...wrong, ...open.map((tag) => `<${tag}> is never closed`)]
}

function mainOf(html: string): string {
  const match = /<main id="order"[\s\S]*<\/main>/.exec(html)
  assert.ok(match, '<main id="order"> is present')
  return match[0]
}

function withPayment(
  patch: Partial<NonNullable<OrderPageView['payment']>>,
  overrides: Partial<OrderPageView> = {},
): OrderPageView {
  const view = awaitingPaymentView(overrides)
  return { ...view, payment: { ...view.payment!, ...patch } }
}

describe('escapeHtml', () => {
  it('escapes the five characters that can break out of text or a quoted attribute', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
    assert.equal(escapeHtml(42), '42')
  })
})

describe('renderOrderPage', () => {
  it('renders a complete, polling checkout while awaiting payment', async () => {
    const html = await renderOrderPage(awaitingPaymentView())
    assert.match(html, /^<!doctype html>\n<html lang="en">/)
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/)
    assert.match(html, /<title>Order ord_01JEXAMPLE7Q9ZKD4M2V8RT3WX · Northwind Software<\/title>/)
    assert.match(html, /<main id="order"[^>]* data-version="v1"/)
    assert.match(html, /data-status-url="\/o\/tok_abc\/status.json"/)
    assert.equal(count(html, META_REFRESH), 1)
    assert.equal(testIdText(html, 'amount'), '49.000000 USDT')
    assert.equal(testIdText(html, 'address'), 'TXkq7yR5VZ9N8mWqL3cJpH2fB6tDgE4sUa')
    assert.match(testIdText(html, 'countdown'), /^Expires in 29:41 at Dec 12, 2:32 PM UTC$/)
    assert.match(html, /data-testid="status" role="status" aria-live="polite"/)
    assert.match(testIdText(html, 'status'), /Awaiting payment/)
    assert.match(html, /data-testid="qr"[^>]*><svg [^>]*viewBox/)
    assert.match(html, /USDT on Tron/)
    assert.match(
      html,
      /href="tron:TXkq7yR5VZ9N8mWqL3cJpH2fB6tDgE4sUa\?amount=49.000000&amp;token=USDT">Open in wallet app/,
    )
    assert.match(html, /This page updates by itself/)
    assert.equal(count(html, 'data-copy="49.000000"'), 1)
    assert.equal(count(html, 'data-copy="TXkq7yR5VZ9N8mWqL3cJpH2fB6tDgE4sUa"'), 1)
    assert.doesNotMatch(html, /Test mode/)
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no external requests or links')
  })

  it('shows the test-mode banner outside live mode', async () => {
    const html = await renderOrderPage(awaitingPaymentView({ livemode: false }))
    assert.match(html, /Test mode — do not send real funds/)
  })

  it('asks for what is left after a partial payment', async () => {
    const html = await renderOrderPage(
      withPayment({ status: 'partially_paid', amountPaid: '20.000000', amountRemaining: '29.000000' }),
    )
    assert.equal(testIdText(html, 'amount'), '29.000000 USDT')
    assert.match(testIdText(html, 'status'), /Partially paid/)
    assert.match(
      html,
      /We received <strong class="mono">20.000000 USDT<\/strong> of <span class="mono">49.000000 USDT<\/span>/,
    )
  })

  it('stops asking for money once a payment is confirming', async () => {
    const html = await renderOrderPage(withPayment({ status: 'processing' }))
    assert.match(testIdText(html, 'status'), /waiting for network confirmations/)
    assert.doesNotMatch(mainOf(html), /data-testid="(qr|address|amount)"/)
    assert.equal(count(html, META_REFRESH), 1)
  })

  it('says the order is being delivered once paid', async () => {
    for (const status of ['paid', 'delivering'] as const) {
      const html = await renderOrderPage(withPayment({ status: 'settled', amountPaid: '49.000000' }, { status }))
      assert.match(testIdText(html, 'status'), /Payment received — delivering your order…/)
      assert.doesNotMatch(mainOf(html), /data-testid="qr"/)
      assert.match(html, /Paid<\/th><td><span class="mono">49.000000 USDT<\/span> on Tron/)
    }
  })

  it('delivers every kind of item on a final page that no longer refreshes', async () => {
    const html = await renderOrderPage(completedView())
    assert.equal(count(html, META_REFRESH), 0)
    assert.match(html, /data-final="true"/)
    assert.equal(count(html, 'data-testid="delivered-item"'), 5)
    assert.match(
      html,
      /<pre class="mono">NWND-7H2K-Q9XP-4LMV-8RTE<\/pre><button type="button" class="copy" data-copy="NWND-7H2K-Q9XP-4LMV-8RTE">/,
    )
    assert.match(html, /<pre class="mono">login: buyer@example.com\npassword: c0rrect-h0rse-battery<\/pre>/)
    assert.match(
      html,
      /<a class="button" href="https:\/\/shop.example.com\/d\/tok_dl_123" download>Download Installer for macOS<\/a>/,
    )
    assert.match(
      html,
      /Link expires <time datetime="2026-12-19T14:02:51.000Z">Dec 19, 2026, 2:02 PM UTC<\/time>, 5 downloads left/,
    )
    assert.match(html, /DHL Express[\s\S]*JD014600006281234567/)
    assert.match(html, /Active until <time datetime="2027-12-12T14:02:51.000Z">Dec 12, 2027<\/time>/)
    assert.match(html, /Total<\/th><td>\$49.00<\/td>/)
    assert.doesNotMatch(mainOf(html), /data-testid="(qr|countdown)"/)
  })

  it('explains an expired checkout, and a payment that came too late', async () => {
    const expired = await renderOrderPage(
      withPayment({ status: 'expired' }, { status: 'failed', failureReason: 'payment_expired' }),
    )
    assert.match(
      testIdText(expired, 'status'),
      /This checkout expired. No payment was taken. Please start a new order./,
    )
    assert.equal(count(expired, META_REFRESH), 0)
    const late = await renderOrderPage(
      withPayment(
        { status: 'paid_late', amountPaid: '49.000000' },
        { status: 'failed', failureReason: 'payment_expired' },
      ),
    )
    assert.match(
      testIdText(late, 'status'),
      /A payment of 49.000000 USDT arrived after this checkout expired. The shop has been notified and will contact you./,
    )
    assert.doesNotMatch(late, /No payment was taken/)
  })

  it('reports a failed delivery and a refund', async () => {
    const failed = await renderOrderPage(
      completedView({ status: 'failed', failureReason: 'delivery_failed', delivery: { state: 'failed', items: [] } }),
    )
    assert.match(testIdText(failed, 'status'), /We could not complete delivery; the shop has been notified./)
    const refunded = await renderOrderPage(completedView({ status: 'refunded' }))
    assert.match(testIdText(refunded, 'status'), /Refunded/)
    assert.equal(count(refunded, META_REFRESH), 0)
  })

  it('escapes everything it interpolates and refuses script links', async () => {
    const html = await renderOrderPage(
      completedView({
        shopName: XSS,
        orderId: `"><img src=x onerror=alert(1)>`,
        version: `"onmouseover="alert(1)`,
        lines: [{ name: XSS, qty: 1, subtotalCents: 4900 }],
        delivery: {
          state: 'delivered',
          items: [
            { productName: XSS, kind: 'license_key', value: XSS },
            { productName: 'Evil', kind: 'file_download', url: 'javascript:alert(1)' },
          ],
        },
      }),
    )
    assert.equal(count(html, '<script>'), 1, 'only the page script')
    assert.match(
      html,
      /<title>Order &quot;&gt;&lt;img src=x onerror=alert\(1\)&gt; · &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/,
    )
    assert.match(html, /<pre class="mono">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/pre>/)
    assert.match(html, /data-copy="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/)
    assert.match(html, /data-version="&quot;onmouseover=&quot;alert\(1\)"/)
    assert.doesNotMatch(html, /<img|javascript:/)
  })

  it('ships a page script that parses', () => {
    assert.doesNotThrow(() => new Function(ORDER_PAGE_SCRIPT))
  })

  it('renders sample pages that are whole, balanced documents, the same each time, and writes them for visual review', async () => {
    const samples = { awaiting: awaitingPaymentView({ livemode: false }), completed: completedView() }
    for (const [name, view] of Object.entries(samples)) {
      const html = await renderOrderPage(view)
      assert.equal(await renderOrderPage(view), html, `${name}: rendering is deterministic`)
      assert.match(
        html,
        /^<!doctype html>\n<html lang="en">[\s\S]*<\/body>\n<\/html>\n$/,
        `${name}: one whole document`,
      )
      assert.deepEqual(unclosedElements(html), [], `${name}: every element opened is closed, in order`)
      writeFileSync(`/tmp/sx-page-${name}.html`, html)
    }
  })
})
