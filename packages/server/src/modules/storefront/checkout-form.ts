// The storefront's checkout form: the lines, "Email", shipping fields when a line is physical, an
// optional coupon, "Pay with" (the shop's pairs) and "Continue to payment". No script: a plain
// POST; the cart's qty changes and removals are submit buttons too. A hidden honeypot field no
// person fills. Every value is escaped where written.
import { escapeHtml } from './escape-html.ts'
import { assetOnNetwork, formatMoney } from './format.ts'
import { renderShopDocument } from './shop-pages.ts'
import { methodValue, SHIPPING_FIELDS, type CheckoutFormView } from './checkout-form-view.ts'

const FORM_CSS = `
.checkout-form { display: grid; gap: 1.25rem; max-width: 40rem; padding: 1.25rem; border-radius: 12px; background: var(--card); box-shadow: var(--shadow); }
.checkout-form h1 { margin: 0; font-size: 1.4rem; }
.checkout-form fieldset { display: grid; gap: .75rem; margin: 0; padding: 0; border: 0; }
.checkout-form legend { margin-bottom: .5rem; font-weight: 650; }
.field { display: grid; gap: .3rem; }
.field label, .line label { font-size: .875rem; font-weight: 600; }
.checkout-form input:not([type=radio]) { width: 100%; min-height: 2.75rem; padding: .5rem .65rem; border: 1px solid var(--border); border-radius: 10px; background: var(--card); color: var(--text); font: inherit; }
.checkout-form input[aria-invalid=true] { border-color: var(--danger-text); }
.field-error { margin: 0; color: var(--danger-text); font-size: .875rem; }
.form-error { margin: 0; padding: .75rem 1rem; border-radius: 10px; background: var(--danger-bg); color: var(--danger-text); }
.lines { display: grid; gap: .75rem; margin: 0; padding: 0; list-style: none; }
.line { display: grid; grid-template-columns: 1fr auto; gap: .5rem; align-items: end; padding-bottom: .75rem; border-bottom: 1px solid var(--border); }
.line-qty { display: flex; gap: .5rem; align-items: end; }
.line-qty input { width: 5rem !important; }
.methods label { display: flex; gap: .6rem; align-items: center; min-height: 2.75rem; padding: .4rem .75rem; border: 1px solid var(--border); border-radius: 10px; }
.methods input { width: 1.2rem; height: 1.2rem; }
.honeypot { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
`

export function renderCheckoutForm(view: CheckoutFormView): string {
  const { shop } = view
  const physical = view.lines.some((line) => line.physical)
  const target = view.embedded ? ' target="_top"' : ''
  return renderShopDocument(shop, {
    title: `Checkout · ${shop.name}`,
    description: `Checkout at ${shop.name}.`,
    url: `${shop.canonicalUrl}/checkout`,
    image: null,
    body: `<style>${FORM_CSS}</style>
${view.embedded ? '' : `<a class="back" href="${escapeHtml(shop.basePath || '/')}">← Continue shopping</a>`}
<form class="checkout-form" method="post" action="${escapeHtml(view.action)}"${target} novalidate>
  <h1>Checkout</h1>
  ${view.message ? `<p class="form-error" role="alert" data-testid="form-error">${escapeHtml(view.message)}</p>` : ''}
  <input type="hidden" name="token" value="${escapeHtml(view.token)}">
  ${view.cart ? '<input type="hidden" name="cart" value="1">' : ''}
  ${renderLines(view)}
  ${fieldErrors(view, 'lines')}
  <div class="field">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(view.values.email)}"${invalid(view, 'email')}>
    ${fieldErrors(view, 'email')}
  </div>
  ${physical ? renderShipping(view) : ''}
  <div class="field">
    <label for="coupon">Coupon code (optional)</label>
    <input id="coupon" name="coupon" autocomplete="off" value="${escapeHtml(view.values.coupon)}"${invalid(view, 'coupon')}>
    ${fieldErrors(view, 'coupon')}
  </div>
  <fieldset class="methods">
    <legend>Pay with</legend>
    ${view.methods.map((method, i) => methodRadio(view, method, i)).join('\n    ')}
    ${fieldErrors(view, 'method')}
  </fieldset>
  <div class="honeypot" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
  <div class="actions">
    <button class="button" type="submit" name="action" value="pay">Continue to payment</button>
    ${view.cart ? '<button class="button button-secondary" type="submit" name="action" value="update">Update cart</button>' : ''}
  </div>
</form>`,
  })
}

function renderLines(view: CheckoutFormView): string {
  const total = view.lines.reduce((sum, line) => sum + line.priceCents * line.qty, 0)
  const currency = view.lines[0]?.currency ?? 'USD'
  const items = view.lines.map((line, i) => {
    const id = `qty-${i}`
    return `<li class="line" data-testid="line">
      <div><input type="hidden" name="product" value="${escapeHtml(line.productId)}"><span class="product-name">${escapeHtml(line.name)}</span><br><span class="price">${escapeHtml(formatMoney(line.priceCents, line.currency))}</span></div>
      <div class="line-qty"><span class="field"><label for="${id}">Quantity</label><input id="${id}" name="qty" type="number" inputmode="numeric" min="${view.cart ? 0 : 1}" max="${line.maxQty}" value="${line.qty}"></span>
      ${view.cart ? `<button class="button button-secondary" type="submit" name="remove" value="${escapeHtml(line.productId)}" aria-label="${escapeHtml(`Remove ${line.name}`)}">Remove</button>` : ''}</div>
    </li>`
  })
  return `<ul class="lines" aria-label="Your order">
    ${items.join('\n    ')}
  </ul>
  <p>Total <strong class="price" data-testid="form-total">${escapeHtml(formatMoney(total, currency))}</strong> <span class="stock">before any coupon</span></p>`
}

function renderShipping(view: CheckoutFormView): string {
  const fields = SHIPPING_FIELDS.map(([name, label, required]) => {
    const field = `ship_${name}`
    return `<div class="field">
      <label for="${field}">${escapeHtml(label)}${required ? '' : ' (optional)'}</label>
      <input id="${field}" name="${field}"${required ? ' required' : ''} value="${escapeHtml(view.values.shipping[name] ?? '')}"${invalid(view, field)}>
      ${fieldErrors(view, field)}
    </div>`
  })
  return `<fieldset><legend>Shipping address</legend>${fields.join('\n')}</fieldset>`
}

function methodRadio(view: CheckoutFormView, method: { chain: string; asset: string }, i: number): string {
  const value = methodValue(method)
  const checked = view.values.method ? view.values.method === value : i === 0
  return `<label><input type="radio" name="method" value="${escapeHtml(value)}"${checked ? ' checked' : ''}> ${escapeHtml(assetOnNetwork(method.asset, method.chain))}</label>`
}

function invalid(view: CheckoutFormView, field: string): string {
  return view.errors[field] ? ` aria-invalid="true" aria-describedby="${field}-error"` : ''
}

function fieldErrors(view: CheckoutFormView, field: string): string {
  const messages = view.errors[field]
  if (!messages) return ''
  return `<p class="field-error" id="${field}-error" data-testid="${field}-error">${escapeHtml(messages.join('; '))}</p>`
}
