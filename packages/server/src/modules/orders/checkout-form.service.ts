// The storefront's checkout form (API.md "Coupons and the storefront"): shown for "Buy now" (one
// product), the cart, or the buy button's overlay; sent, it places the order through the same
// checkout as POST /v1/orders (createPublicOrder: same checks, coupon, reservation, invoice, mail)
// in the shop's public mode, with the public limits, and the buyer goes to the order's page.
// Refusals come back as the form with each field's message and the values kept.
import type { Services } from '../../services.ts'
import { AppError, type FieldErrors } from '../../platform/errors.ts'
import { formValue, type FormBody } from '../../platform/http/form-body.ts'
import { bodyErrors } from '../../platform/http/validation.ts'
import { listActiveProductsById } from '../catalog/index.ts'
import { findCheckoutShop, type CheckoutShop } from '../shops/index.ts'
import {
  methodValue,
  renderCheckoutForm,
  shopPageCsp,
  SHIPPING_FIELDS,
  type CheckoutFormLine,
  type CheckoutFormView,
} from '../storefront/index.ts'
import { itemsOf, mergeItems, type CartItem } from './cart.ts'
import { createPublicOrder } from './checkout.service.ts'
import { checkFormToken, issueFormToken, type TokenCheck } from './form-token.ts'
import { CreateOrderBodySchema, type CreateOrderBody } from './orders.schemas.ts'

type Deps = Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'payments' | 'secretBox'>

export type FormPage = { status: number; html: string; csp: string }
/** What a POST comes to: the order's page, or the form again (with the cart as it now is). */
export type FormOutcome = { redirect: string } | (FormPage & { cart: CartItem[] })

type Shown = { items: CartItem[]; cart: boolean; embedded: boolean }

const TOKEN_REFUSED: Record<Exclude<TokenCheck, 'ok'>, string> = {
  invalid: 'This form could not be checked; it has been loaded again: please send it once more.',
  expired: 'This form was open too long; it has been loaded again: please send it once more.',
  too_fast: 'This form was sent faster than a person fills it in; please check it and send it again.',
}

/** The form for these items (by shop slug, or by the shop of the buy button's product), or null when there is no such shop. */
export async function showCheckoutForm(
  services: Deps,
  by: { slug: string } | { id: string },
  shown: Shown,
): Promise<FormPage | null> {
  const shop = await findCheckoutShop(services, by)
  if (!shop) return null
  const lines = await formLines(services, shop, shown.items)
  const missing = shown.items.length > lines.length
  return render(services, shop, shown, lines, {
    status: 200,
    errors: missing ? { lines: ['a product asked for is not on sale any more'] } : {},
    message: lines.length === 0 ? emptyMessage(shown.cart) : null,
  })
}

/** A POST of the form. `buyerAddress`: the per-address key of the client. */
export async function submitCheckoutForm(
  services: Deps,
  slug: string,
  form: FormBody,
  buyerAddress: string,
): Promise<FormOutcome | null> {
  const shop = await findCheckoutShop(services, { slug })
  if (!shop) return null
  const cart = formValue(form, 'cart') === '1'
  const removed = formValue(form, 'remove')
  const items = mergeItems(itemsOf(form.product ?? [], form.qty ?? [], cart ? 0 : 1)).filter(
    (item) => item.productId !== removed,
  )
  const shown: Shown = { items, cart, embedded: false }
  const lines = await formLines(services, shop, items)
  const again = (status: number, errors: FieldErrors, message: string | null): FormOutcome => ({
    ...render(services, shop, shown, lines, { status, errors, message, form }),
    cart: items,
  })
  if (removed || formValue(form, 'action') === 'update')
    return again(200, {}, lines.length === 0 ? emptyMessage(cart) : null)
  const { minFillMs, maxFormAgeSeconds: maxAgeSeconds } = services.config.storefront
  const token = checkFormToken(services.secretBox, formValue(form, 'token'), shop.id, services.clock.now(), {
    minFillMs,
    maxAgeSeconds,
  })
  // A filled honeypot is a bot's form: refused like one sent too fast (nothing says which).
  if (token !== 'ok' || formValue(form, 'website') !== '')
    return again(422, {}, TOKEN_REFUSED[token === 'ok' ? 'too_fast' : token])
  if (lines.length === 0) return again(422, {}, emptyMessage(cart))
  const body = orderBody(form, lines)
  const errors = { ...formErrors(bodyErrors(CreateOrderBodySchema, body) ?? {}), ...methodErrors(shop, form) }
  if (Object.keys(errors).length > 0) return again(422, errors, 'Some fields need another look.')
  try {
    const order = await createPublicOrder(services, { shopId: shop.id, livemode: shop.livemode }, body, {
      buyerAddress,
      ttlSeconds: services.config.storefront.reservationSeconds,
      unpaidPerAddress: services.config.storefront.unpaidPerAddress,
      unpaidPerEmail: services.config.storefront.unpaidPerEmail,
    })
    return { redirect: new URL(order.checkout_url).pathname }
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error
    return again(error.status, formErrors(error.options.errors ?? {}), error.detail)
  }
}

/** The items' products on sale in the shop's public mode, in the items' order; others are left out. */
async function formLines(services: Deps, shop: CheckoutShop, items: CartItem[]): Promise<CheckoutFormLine[]> {
  const scope = { shopId: shop.id, livemode: shop.livemode }
  const ids = items.map((item) => item.productId)
  const products = new Map(
    (await listActiveProductsById(services.db, scope, ids, services.config.http.publicUrl)).map((p) => [p.id, p]),
  )
  return items.flatMap(({ productId, qty }) => {
    const product = products.get(productId)
    if (!product) return []
    const maxQty = Math.min(product.stock ?? 100, 100)
    return [
      {
        productId,
        name: product.name,
        priceCents: product.price_cents,
        currency: product.currency,
        qty: Math.min(qty, Math.max(maxQty, 1)),
        maxQty,
        physical: product.type === 'physical',
      },
    ]
  })
}

function orderBody(form: FormBody, lines: CheckoutFormLine[]): CreateOrderBody {
  const [chain = '', asset = ''] = formValue(form, 'method').split(':')
  const coupon = formValue(form, 'coupon')
  const shipping = Object.fromEntries(
    SHIPPING_FIELDS.flatMap(([name, , required]) => {
      const value = formValue(form, `ship_${name}`)
      return required || value ? [[name, name === 'country' ? value.toUpperCase() : value]] : []
    }),
  )
  return {
    customer_email: formValue(form, 'email'),
    items: lines.map((line) => ({ product_id: line.productId, qty: line.qty })),
    ...(chain && asset ? { chain: chain as CreateOrderBody['chain'], asset } : {}),
    ...(coupon ? { coupon } : {}),
    ...(lines.some((line) => line.physical)
      ? { shipping_address: shipping as CreateOrderBody['shipping_address'] }
      : {}),
  }
}

/** "Pay with" must name one of the shop's pairs in its public mode (the API takes any the provider does). */
function methodErrors(shop: CheckoutShop, form: FormBody): FieldErrors {
  const chosen = formValue(form, 'method')
  return shop.methods.some((method) => methodValue(method) === chosen)
    ? {}
    : { method: ['pick one of the ways to pay listed'] }
}

/** The API's field paths as the form's fields. */
function formErrors(errors: FieldErrors): FieldErrors {
  const mapped: FieldErrors = {}
  for (const [path, messages] of Object.entries(errors)) {
    const field =
      path === 'customer_email'
        ? 'email'
        : path === 'coupon'
          ? 'coupon'
          : path === 'chain' || path === 'asset'
            ? 'method'
            : path.startsWith('shipping_address.')
              ? `ship_${path.slice('shipping_address.'.length)}`
              : 'lines'
    const list = (mapped[field] ??= [])
    for (const message of messages) if (!list.includes(message)) list.push(message)
  }
  // A product id or a lines-level message alone tells the buyer little: say which product.
  if (mapped.lines && errors.sold_out) mapped.lines = ['not enough left in stock for the quantity asked']
  return mapped
}

function emptyMessage(cart: boolean): string {
  return cart ? 'Your cart is empty: add a product from the shop.' : 'Pick a product in the shop first.'
}

function render(
  services: Deps,
  shop: CheckoutShop,
  shown: Shown,
  lines: CheckoutFormLine[],
  state: { status: number; errors: FieldErrors; message: string | null; form?: FormBody },
): FormPage {
  const form = state.form ?? {}
  const view: CheckoutFormView = {
    shop: shop.view,
    lines,
    methods: shop.methods,
    values: {
      email: formValue(form, 'email'),
      coupon: formValue(form, 'coupon'),
      method: formValue(form, 'method'),
      shipping: Object.fromEntries(SHIPPING_FIELDS.map(([name]) => [name, formValue(form, `ship_${name}`)])),
    },
    errors: state.errors,
    message: state.message,
    token: issueFormToken(services.secretBox, shop.id, services.clock.now()),
    action: `/s/${shop.view.slug}/checkout`,
    cart: shown.cart,
    embedded: shown.embedded,
  }
  return { status: state.status, html: renderCheckoutForm(view), csp: shopPageCsp(shop.view) }
}
