// The buyer's order page: checkout while unpaid, then the goods. One document, no external requests.
import { createHash } from 'node:crypto'
import { acceptsPayment, renderCheckout } from './checkout-section.ts'
import { renderDeliveredGoods } from './delivered-goods.ts'
import { brandCss, logoImg, logoOrigin } from './brand.ts'
import { escapeHtml } from './escape-html.ts'
import { renderOrderSummary } from './order-summary.ts'
import { ORDER_PAGE_SCRIPT } from './order-page.script.ts'
import { ORDER_PAGE_CSS } from './order-page.styles.ts'
import { describeStatus } from './status-copy.ts'
import { isFinalStatus, type OrderPageView } from './view.ts'

const SCRIPT_HASH = `'sha256-${createHash('sha256').update(ORDER_PAGE_SCRIPT).digest('base64')}'`

/**
 * The page's Content-Security-Policy. Its one script is a constant, so the policy names it by
 * hash (computed here from the very string the page inlines) instead of allowing inline scripts:
 * markup injected into the page could never run. Styles stay inline (one static <style>). Images
 * are data: URLs (the QR code), plus the origin of the merchant's logo when they set one and sx's own
 * origin when a product on the order has an image.
 */
export function orderPageCsp(view: Pick<OrderPageView, 'brand' | 'lines' | 'imageOrigin' | 'changeMethod'>): string {
  const logo = logoOrigin(view.brand)
  const images = view.imageOrigin && view.lines.some((line) => line.imageUrl) ? view.imageOrigin : null
  const origins = [...new Set([logo, images].filter(Boolean))]
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src ${SCRIPT_HASH}`,
    `img-src data:${origins.map((origin) => ` ${origin}`).join('')}`,
    "connect-src 'self'",
    "base-uri 'none'",
    view.changeMethod ? "form-action 'self'" : "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Async because the QR code renders asynchronously. */
export async function renderOrderPage(view: OrderPageView): Promise<string> {
  const final = isFinalStatus(view.status)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(`Order ${view.orderId} · ${view.shopName}`)}</title>
${final ? '' : '<noscript><meta http-equiv="refresh" content="15"></noscript>'}
<style>${ORDER_PAGE_CSS}${brandCss(view.brand)}</style>
</head>
<body>
<header>
  ${view.livemode ? '' : '<p class="test-banner" role="note">Test mode — do not send real funds</p>'}
  <div class="shop-header">
    <p class="shop-name">${logoImg(view.brand)}${escapeHtml(view.shopName)}</p>
    <p class="shop-tagline">${LOCK_ICON}Secure checkout</p>
  </div>
</header>
<!-- Only <main id="order"> is swapped by live updates: what is outside it must not depend on the order's state. -->
<div class="page">
  ${await renderOrderMain(view)}
  <footer class="page-footer">
    <p>Keep this page’s link: it is your receipt and where your order is delivered.</p>
    ${supportLine(view)}
  </footer>
</div>
<div id="announcer" class="visually-hidden" aria-live="polite"></div>
<script>${ORDER_PAGE_SCRIPT}</script>
</body>
</html>
`
}

function supportLine(view: OrderPageView): string {
  const email = view.brand?.supportEmail
  if (!email) return ''
  return `<p>Questions? Write to <a href="mailto:${escapeHtml(email)}">${escapeHtml(email)}</a>.</p>`
}

/** `<main id="order">`: the part the page script replaces when the status endpoint reports a new version. */
async function renderOrderMain(view: OrderPageView): Promise<string> {
  const copy = describeStatus(view)
  const inProgress = view.status === 'paid' || view.status === 'delivering'
  const sections = [
    acceptsPayment(view) ? await renderCheckout(view) : '',
    inProgress && view.delivery.items.length === 0 ? WORKING_NOTE : '',
    view.delivery.items.length > 0 ? renderDeliveredGoods(view.delivery.items, view.nowIso) : '',
    renderOrderSummary(view),
  ].filter(Boolean)
  return `<main id="order" class="card" data-version="${escapeHtml(view.version)}" data-status-url="${escapeHtml(view.statusUrl)}" data-now="${escapeHtml(view.nowIso)}" data-final="${isFinalStatus(view.status)}">
  <div class="order-head">
    <h1>${escapeHtml(copy.heading)}</h1>
    <p class="order-id">Order <span class="mono">${escapeHtml(view.orderId)}</span></p>
    <div class="status" data-testid="status" role="status" aria-live="polite">
      <span class="pill tone-${copy.tone}">${escapeHtml(copy.label)}</span>
      <p class="status-message">${escapeHtml(copy.message)}</p>
    </div>
  </div>
  ${sections.join('\n  ')}
</main>`
}

const WORKING_NOTE = `<div class="working"><span class="spinner" aria-hidden="true"></span><p>Your items will appear here in a moment. This page updates by itself.</p></div>`

const LOCK_ICON = `<svg aria-hidden="true" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"><rect x="3" y="7" width="10" height="7" rx="1.5"/><path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2"/></svg>`
