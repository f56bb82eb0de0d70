// The "pay now" part of the order page: amount, network, address, QR code and countdown.
import QRCode from 'qrcode'
import { copyButton } from './copy-button.ts'
import { escapeHtml } from './escape-html.ts'
import {
  assetOnNetwork,
  formatCountdown,
  formatShortDateTime,
  isPositiveAmount,
  networkName,
  secondsBetween,
} from './format.ts'
import { walletUriOrNull } from './safe-urls.ts'
import type { OrderPageView } from './view.ts'

type Payment = NonNullable<OrderPageView['payment']>

/** Only an open invoice asks for money: once a payment is confirming, settled or expired, showing the address invites a second one. */
export function acceptsPayment(view: OrderPageView): view is OrderPageView & { payment: Payment } {
  const open = view.status === 'pending' || view.status === 'awaiting_payment'
  return open && view.payment !== null && (view.payment.status === 'new' || view.payment.status === 'partially_paid')
}

export async function renderCheckout(view: OrderPageView & { payment: Payment }): Promise<string> {
  const { payment } = view
  const asset = payment.asset.toUpperCase()
  const walletUri = walletUriOrNull(payment.paymentUri)
  const partial = isPositiveAmount(payment.amountPaid)
  return `<section class="checkout" aria-labelledby="checkout-heading">
  <h2 id="checkout-heading" class="visually-hidden">Payment details</h2>
  ${renderCountdown(view.nowIso, payment.expiresAt)}
  <dl class="pay-fields">
    <div class="pay-field">
      <dt>${partial ? 'Send the remaining' : 'Send exactly'}</dt>
      <dd>
        <div class="value-row">
          <p class="amount mono" data-testid="amount"><span class="amount-value">${escapeHtml(payment.amountRemaining)}</span> <span class="amount-asset">${escapeHtml(asset)}</span></p>
          ${copyButton(payment.amountRemaining, 'amount')}
        </div>
        <p class="network-chip">${escapeHtml(assetOnNetwork(payment.asset, payment.chain))}</p>
      </dd>
    </div>
    <div class="pay-field">
      <dt>To this ${escapeHtml(networkName(payment.chain))} address</dt>
      <dd>
        <div class="value-row">
          <p class="address mono" data-testid="address">${escapeHtml(payment.address)}</p>
          ${copyButton(payment.address, 'address')}
        </div>
      </dd>
    </div>
  </dl>
  ${partial ? renderPartialNotice(payment) : ''}
  <p class="notice notice-warning">Send only <strong>${escapeHtml(asset)}</strong> on the <strong>${escapeHtml(networkName(payment.chain))}</strong> network. Funds sent in another asset or on another network cannot be recovered.</p>
  <div class="qr-block">
    <div class="qr" data-testid="qr" role="img" aria-label="${escapeHtml(`QR code to pay ${payment.amountRemaining} ${asset} to ${payment.address}`)}">${await QRCode.toString(payment.paymentUri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })}</div>
    <p class="qr-caption">Scan with your wallet app</p>
    ${walletUri ? `<a class="button button-secondary" href="${escapeHtml(walletUri)}">Open in wallet app</a>` : ''}
  </div>
  <p class="auto-update-note">This page updates by itself when your payment arrives — no need to refresh.</p>
  ${view.changeMethod ? renderMethodChange(view.changeMethod, payment) : ''}
</section>`
}

/** "Pay another way": the shop's other pairs; choosing one makes a new quote for this order. */
function renderMethodChange(change: NonNullable<OrderPageView['changeMethod']>, payment: Payment): string {
  const options = change.methods.map((method) => {
    const current = method.chain === payment.chain && method.asset === payment.asset
    const value = `${method.chain}:${method.asset}`
    return `<label class="method-option"><input type="radio" name="method" value="${escapeHtml(value)}"${current ? ' checked' : ''}> ${escapeHtml(assetOnNetwork(method.asset, method.chain))}${current ? ' (current)' : ''}</label>`
  })
  return `<details class="change-method" data-testid="change-method">
    <summary>Pay with another coin or network</summary>
    <form method="post" action="${escapeHtml(change.action)}">
      <input type="hidden" name="quote" value="${change.quote}">
      <fieldset><legend>Pay with</legend>${options.join('')}</fieldset>
      <button class="button button-secondary" type="submit">Change payment method</button>
    </form>
  </details>`
}

function renderCountdown(nowIso: string, expiresAt: string | null): string {
  if (!expiresAt) return ''
  const left = secondsBetween(nowIso, expiresAt)
  if (left === null) return ''
  const expired = left <= 0
  return `<p class="countdown${!expired && left < 300 ? ' countdown-urgent' : ''}" data-testid="countdown" data-expires-at="${escapeHtml(expiresAt)}" role="timer">
    <span class="countdown-left"><span class="countdown-label">${expired ? 'Expired' : 'Expires in'}</span> <strong class="countdown-time mono">${expired ? '' : formatCountdown(left)}</strong></span>
    <span class="countdown-at">at <time datetime="${escapeHtml(expiresAt)}">${escapeHtml(formatShortDateTime(expiresAt))}</time></span>
  </p>`
}

function renderPartialNotice(payment: Payment): string {
  const asset = escapeHtml(payment.asset.toUpperCase())
  return `<p class="notice notice-info">We received <strong class="mono">${escapeHtml(payment.amountPaid)} ${asset}</strong> of <span class="mono">${escapeHtml(payment.amountDue)} ${asset}</span>. Send the remaining <strong class="mono">${escapeHtml(payment.amountRemaining)} ${asset}</strong> to the same address.</p>`
}
