// Delivered items as email blocks: values verbatim (buyers copy them from the mail), links absolute.
import type { EmailBlock } from './email-blocks.ts'
import { formatDate, formatDateTime, itemKindLabel, secondsBetween } from './format.ts'
import { absoluteHttpUrlOrNull } from './safe-urls.ts'
import type { DeliveredItem } from './view.ts'

export function deliveredItemBlocks(item: DeliveredItem, pageUrl: string, nowIso: string): EmailBlock[] {
  const href = absoluteHttpUrlOrNull(item.url, pageUrl)
  switch (item.kind) {
    case 'file_download':
      return downloadBlocks(item, href, nowIso)
    case 'physical':
      if (!item.trackingNumber) {
        const carrier = item.carrier ? ` with ${item.carrier}` : ''
        return [
          {
            type: 'paragraph',
            text: `${item.productName}: ships${carrier}; the shop will send tracking details when it does.`,
          },
        ]
      }
      return [
        {
          type: 'code',
          label: `${item.productName} — tracking number${item.carrier ? ` (${item.carrier})` : ''}`,
          text: item.trackingNumber,
        },
        ...(href ? [{ type: 'button', label: 'Track shipment', href } as const] : []),
      ]
    case 'subscription':
      return [
        ...(item.periodEnd
          ? [
              {
                type: 'paragraph',
                text: `${item.productName}: subscription active until ${formatDate(item.periodEnd)}.`,
              } as const,
            ]
          : []),
        ...valueAndLinkBlocks(item, href),
      ]
    default: {
      const blocks = valueAndLinkBlocks(item, href)
      return blocks.length
        ? blocks
        : [{ type: 'paragraph', text: `${item.productName}: being prepared — it will appear on your order page.` }]
    }
  }
}

function valueAndLinkBlocks(item: DeliveredItem, href: string | null): EmailBlock[] {
  const blocks: EmailBlock[] = []
  if (item.value)
    blocks.push({
      type: 'code',
      label: `${item.productName} — ${itemKindLabel(item.kind).toLowerCase()}`,
      text: item.value,
    })
  if (href) blocks.push({ type: 'button', label: `Open ${item.productName}`, href })
  return blocks
}

function downloadBlocks(item: DeliveredItem, href: string | null, nowIso: string): EmailBlock[] {
  const secondsLeft = item.expiresAt ? secondsBetween(nowIso, item.expiresAt) : null
  if (!href)
    return [
      {
        type: 'paragraph',
        text: `${item.productName}: your download link is being prepared — it will appear on your order page.`,
      },
    ]
  if (item.downloadsLeft === 0 || (secondsLeft !== null && secondsLeft <= 0)) {
    return [
      {
        type: 'paragraph',
        text: `${item.productName}: this download link is no longer valid. Contact the shop for a new one.`,
      },
    ]
  }
  const limits = [
    item.expiresAt ? `expires ${formatDateTime(item.expiresAt)}` : '',
    item.downloadsLeft !== undefined
      ? `${item.downloadsLeft} ${item.downloadsLeft === 1 ? 'download' : 'downloads'} left`
      : '',
  ].filter(Boolean)
  return [
    { type: 'button', label: `Download ${item.productName}`, href },
    ...(limits.length ? [{ type: 'note', text: `The link ${limits.join(', ')}.` } as const] : []),
  ]
}
