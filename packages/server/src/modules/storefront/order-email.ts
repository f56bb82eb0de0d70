// The order emails: confirmation (how to pay), delivery and resend (the goods), renewal (pay again).
import { blocksToHtml, blocksToText, type EmailBlock } from './email-blocks.ts'
import { deliveredItemBlocks } from './email-goods.ts'
import { assetOnNetwork, formatDateTime, formatMoney, isPositiveAmount } from './format.ts'
import type { OrderPageView } from './view.ts'

export type OrderEmailKind = 'confirmation' | 'delivery' | 'resend' | 'renewal'

export type RenderedEmail = { subject: string; text: string; html: string }

/** `pageUrl` is the buyer's order page; it must be absolute, since a mail has no base to resolve against. */
export function renderOrderEmail(view: OrderPageView, pageUrl: string, kind: OrderEmailKind): RenderedEmail {
  assertAbsoluteHttpUrl(pageUrl)
  const blocks: EmailBlock[] = [
    ...(view.livemode ? [] : [{ type: 'banner', text: 'Test mode — do not send real funds' } as const]),
    ...bodyBlocks(view, pageUrl, kind),
    summaryBlock(view),
    { type: 'button', label: PAGE_LINK_LABELS[kind], href: pageUrl },
  ]
  const subject = oneLine(`${view.livemode ? '' : '[TEST] '}${SUBJECTS[kind](view)}`)
  const support = view.brand?.supportEmail ? ` · Questions? ${view.brand.supportEmail}` : ''
  const footer = `${view.shopName} · Order ${view.orderId}${support}`
  return {
    subject,
    text: `${blocksToText(blocks)}\n— ${footer}\n`,
    html: blocksToHtml(blocks, subject, footer, view.brand),
  }
}

const SUBJECTS: Record<OrderEmailKind, (view: OrderPageView) => string> = {
  confirmation: (view) => `${view.shopName}: complete your payment for order ${view.orderId}`,
  delivery: (view) => `${view.shopName}: your order ${view.orderId} is ready`,
  resend: (view) => `${view.shopName}: your order ${view.orderId} (sent again)`,
  renewal: (view) => `${view.shopName}: renew your subscription — ${formatMoney(view.totalCents, view.currency)} due`,
}

const PAGE_LINK_LABELS: Record<OrderEmailKind, string> = {
  confirmation: 'Pay and follow your order',
  delivery: 'View your order',
  resend: 'View your order',
  renewal: 'Pay the renewal',
}

/** Everything above the order summary. */
function bodyBlocks(view: OrderPageView, pageUrl: string, kind: OrderEmailKind): EmailBlock[] {
  switch (kind) {
    case 'confirmation':
      return [
        { type: 'heading', text: 'Thanks for your order' },
        {
          type: 'paragraph',
          text: `Your order at ${view.shopName} is reserved. It is delivered as soon as your payment arrives.`,
        },
        ...paymentBlocks(view),
      ]
    case 'renewal':
      return [
        { type: 'heading', text: 'Time to renew your subscription' },
        {
          type: 'paragraph',
          text: `Your subscription at ${view.shopName} is up for renewal. Amount due: ${formatMoney(view.totalCents, view.currency)}.`,
        },
        ...paymentBlocks(view),
      ]
    case 'delivery':
    case 'resend':
      return [
        { type: 'heading', text: kind === 'delivery' ? 'Your order is ready' : 'Here is your order again' },
        { type: 'paragraph', text: goodsIntro(view) },
        ...view.delivery.items.flatMap((item) => deliveredItemBlocks(item, pageUrl, view.nowIso)),
      ]
  }
}

function goodsIntro(view: OrderPageView): string {
  if (view.delivery.items.length > 0)
    return `Thanks for buying from ${view.shopName}. Your items are below and on your order page.`
  if (view.delivery.state === 'awaiting_fulfilment')
    return `Thanks for buying from ${view.shopName}. The shop is preparing your order and will send shipping details.`
  return `Thanks for buying from ${view.shopName}. Your items will appear on your order page shortly.`
}

/** The amount, network, address and deadline, so the buyer can pay straight from the mail. */
function paymentBlocks(view: OrderPageView): EmailBlock[] {
  const payment = view.payment
  if (!payment) return [{ type: 'paragraph', text: 'Open your order page to see the payment details.' }]
  const asset = payment.asset.toUpperCase()
  const partial = isPositiveAmount(payment.amountPaid)
  const deadline = payment.expiresAt ? ` before ${formatDateTime(payment.expiresAt)}` : ''
  return [
    ...(partial ? [{ type: 'paragraph', text: `We received ${payment.amountPaid} ${asset} so far.` } as const] : []),
    {
      type: 'code',
      label: `${partial ? 'Send the remaining' : 'Send exactly'} (${assetOnNetwork(payment.asset, payment.chain)})`,
      text: `${payment.amountRemaining} ${asset}`,
    },
    { type: 'code', label: 'To this address', text: payment.address },
    {
      type: 'paragraph',
      text: `Pay${deadline}. Send only ${assetOnNetwork(payment.asset, payment.chain)}: funds sent in another asset or on another network cannot be recovered.`,
    },
  ]
}

function summaryBlock(view: OrderPageView): EmailBlock {
  return {
    type: 'table',
    title: 'Order summary',
    rows: view.lines.map((line) => ({
      label: line.qty === 1 ? line.name : `${line.name} × ${line.qty}`,
      amount: formatMoney(line.subtotalCents, view.currency),
    })),
    total: { label: 'Total', amount: formatMoney(view.totalCents, view.currency) },
  }
}

/** Subjects are mail headers: a shop name with a line break in it must not start a new header. */
function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function assertAbsoluteHttpUrl(url: string): void {
  let protocol = ''
  try {
    protocol = new URL(url).protocol
  } catch {
    // Falls through to the error below.
  }
  if (protocol !== 'https:' && protocol !== 'http:')
    throw new Error(`order email needs an absolute http(s) page URL, got ${JSON.stringify(url)}`)
}
