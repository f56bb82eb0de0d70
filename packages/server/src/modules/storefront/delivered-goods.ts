// The goods on the order page: one card per delivered item, shaped by what kind of thing it is.
import { copyButton } from './copy-button.ts'
import { escapeHtml } from './escape-html.ts'
import { formatDate, formatDateTime, itemKindLabel, secondsBetween } from './format.ts'
import { httpUrlOrNull } from './safe-urls.ts'
import type { DeliveredItem } from './view.ts'

export function renderDeliveredGoods(items: DeliveredItem[], nowIso: string): string {
  return `<section class="goods" aria-labelledby="goods-heading">
  <h2 id="goods-heading">Your ${items.length === 1 ? 'item' : 'items'}</h2>
  <ul class="goods-list" role="list">
    ${items.map((item) => renderItem(item, nowIso)).join('\n    ')}
  </ul>
</section>`
}

function renderItem(item: DeliveredItem, nowIso: string): string {
  return `<li class="item" data-testid="delivered-item" data-kind="${escapeHtml(item.kind)}">
      <div class="item-head"><h3>${escapeHtml(item.productName)}</h3><span class="item-kind">${escapeHtml(itemKindLabel(item.kind))}</span></div>
      ${renderItemBody(item, nowIso)}
    </li>`
}

function renderItemBody(item: DeliveredItem, nowIso: string): string {
  switch (item.kind) {
    case 'file_download':
      return renderDownload(item, nowIso)
    case 'physical':
      return renderShipment(item)
    case 'subscription':
      return [
        item.periodEnd
          ? `<p class="item-meta">Active until <time datetime="${escapeHtml(item.periodEnd)}">${escapeHtml(formatDate(item.periodEnd))}</time></p>`
          : '',
        renderValueAndLink(item),
      ].join('')
    default:
      return renderValueAndLink(item) || '<p class="item-meta">Being prepared — it will appear here shortly.</p>'
  }
}

function renderValueAndLink(item: DeliveredItem): string {
  const href = httpUrlOrNull(item.url)
  const value = item.value
    ? `<div class="secret"><pre class="mono">${escapeHtml(item.value)}</pre>${copyButton(item.value, itemKindLabel(item.kind).toLowerCase())}</div>`
    : ''
  const link = href
    ? `<a class="button" href="${escapeHtml(href)}" rel="noopener noreferrer">Open ${escapeHtml(item.productName)}</a>`
    : ''
  return value + link
}

function renderDownload(item: DeliveredItem, nowIso: string): string {
  const href = httpUrlOrNull(item.url)
  const secondsLeft = item.expiresAt ? secondsBetween(nowIso, item.expiresAt) : null
  if (secondsLeft !== null && secondsLeft <= 0) {
    return `<p class="item-meta">This download link expired on ${escapeHtml(formatDateTime(item.expiresAt ?? ''))}. Contact the shop for a new one.</p>`
  }
  if (item.downloadsLeft === 0)
    return '<p class="item-meta">No downloads left on this link. Contact the shop for a new one.</p>'
  if (!href) return '<p class="item-meta">Your download link is being prepared.</p>'
  const limits = [
    item.expiresAt
      ? `expires <time datetime="${escapeHtml(item.expiresAt)}">${escapeHtml(formatDateTime(item.expiresAt))}</time>`
      : '',
    item.downloadsLeft !== undefined
      ? `${item.downloadsLeft} ${item.downloadsLeft === 1 ? 'download' : 'downloads'} left`
      : '',
  ].filter(Boolean)
  return `<a class="button" href="${escapeHtml(href)}" download>Download ${escapeHtml(item.productName)}</a>
      ${limits.length ? `<p class="item-meta">Link ${limits.join(', ')}</p>` : ''}`
}

function renderShipment(item: DeliveredItem): string {
  const href = httpUrlOrNull(item.url)
  if (!item.carrier && !item.trackingNumber)
    return '<p class="item-meta">The shop will add tracking details when it ships.</p>'
  return `<dl class="shipment">
        ${item.carrier ? `<div><dt>Carrier</dt><dd>${escapeHtml(item.carrier)}</dd></div>` : ''}
        ${item.trackingNumber ? `<div><dt>Tracking number</dt><dd class="value-row"><span class="mono">${escapeHtml(item.trackingNumber)}</span>${copyButton(item.trackingNumber, 'tracking number')}</dd></div>` : ''}
      </dl>
      ${href ? `<a class="button button-secondary" href="${escapeHtml(href)}" rel="noopener noreferrer">Track shipment</a>` : ''}`
}
