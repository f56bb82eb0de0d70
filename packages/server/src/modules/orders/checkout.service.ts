// Checkout. How many transactions it takes depends on the provider (payments/provider.ts):
// - `in_process` (the sandbox): one transaction reserves the stock, records the customer and the
//   order with its invoice (`awaiting_payment`), schedules its expiry and queues the confirmation
//   mail: the order commits once.
// - `remote`: no network call inside a transaction, so three steps:
//   1. one transaction reserves the stock, records the customer and a `pending` order, and
//      schedules its expiry;
//   2. the payment provider makes the invoice;
//   3. a second transaction attaches it (`awaiting_payment`) and queues the confirmation mail.
//   If step 2 fails, a compensating transaction releases the stock and fails the order.
// An in-process refusal (no rate for the currency) rolls its one transaction back and runs the
// remote steps instead, which leave the failed order and its stock movements as for any provider.
// Each transaction moves the catalog version last, once (catalog/versions.repository.ts).
import type { Services } from '../../services.ts'
import type { RequestContext, Transact } from '../../platform/context.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { AppError, invalidFields } from '../../platform/errors.ts'
import { newId } from '../../platform/ids.ts'
import { randomBase62 } from '../../platform/crypto.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import { recordEvent } from '../../platform/outbox/outbox.ts'
import { newCustomerSummary, upsertCustomer } from '../customers/index.ts'
import { catalogTransaction, publishCatalogChanges } from '../catalog/index.ts'
import { redeemCoupon } from '../coupons/index.ts'
import type { Chain, Invoice, PaymentProvider, ProviderResult } from '../payments/index.ts'
import type { CreateOrderBody, Order } from './orders.schemas.ts'
import * as repo from './orders.repository.ts'
import { loadOrder, releaseReservations } from './order-state.ts'
import { JOBS } from './jobs.ts'
import { queueMail, type MailKind } from './mail.ts'
import { checkLines, paymentMethod, reserveLines, type Scope } from './checkout-lines.ts'
import { checkUnpaidLimits, type PublicOrderOptions } from './public-limits.ts'

type Deps = Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'payments' | 'secretBox'>

/** Subscription renewals pass the order they renew, and pay until the current period ends. */
type RenewalOptions = { renewsOrderId: string; expiresAt: number }

/** One order being placed: what every step needs to know of it. */
type Placement = {
  scope: Scope
  body: CreateOrderBody
  provider: PaymentProvider
  method: { chain: Chain; asset: string }
  orderId: string
  now: number
  expiresAt: number
  renewal?: RenewalOptions
  public?: PublicOrderOptions
  mailKind: MailKind
}

/** An in-process provider refused the invoice: thrown to roll the one transaction back. */
class InvoiceRefused extends Error {}

/** A buyer's order: the final write goes through the request's `transact` (with its idempotent answer). */
export async function createOrder(services: Deps, ctx: RequestContext, body: CreateOrderBody): Promise<Order> {
  return placeOrder(services, ctx.auth, body, ctx.transact)
}

/**
 * An order from the storefront's checkout form (no API key: the shop's public mode is the scope):
 * the same checks, coupons, reservation, invoice and mail as POST /v1/orders, in plain transactions.
 */
export async function createPublicOrder(
  services: Deps,
  scope: Scope,
  body: CreateOrderBody,
  options: PublicOrderOptions,
): Promise<Order> {
  const commit: Transact = (work) => services.db.transaction().execute(work)
  return placeOrder(services, scope, body, commit, undefined, options)
}

/**
 * A subscription's renewal order, for the renewal job: no request, so the final write is a plain
 * transaction (its commit announces the invoice mail's job, which wakes the worker).
 */
export async function createRenewalOrder(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'payments' | 'secretBox'>,
  scope: Scope,
  body: CreateOrderBody,
  renewal: RenewalOptions,
): Promise<Order> {
  const commit: Transact = (work) => services.db.transaction().execute(work)
  return placeOrder(services, scope, body, commit, renewal)
}

async function placeOrder(
  services: Deps,
  scope: Scope,
  body: CreateOrderBody,
  commit: Transact,
  renewal?: RenewalOptions,
  publicOrder?: PublicOrderOptions,
): Promise<Order> {
  const method = paymentMethod(body)
  const provider = providerFor(services, scope)
  const refused = await provider.refusal?.(method)
  if (refused) throw new AppError('conflict', refused)
  const now = services.clock.now()
  const placement: Placement = {
    scope,
    body,
    provider,
    method,
    orderId: newId('order'),
    now,
    expiresAt: Math.max(
      now + (publicOrder?.ttlSeconds ?? services.config.orders.ttlSeconds) * 1000,
      renewal?.expiresAt ?? 0,
    ),
    renewal,
    public: publicOrder,
    mailKind: renewal ? 'renewal' : 'confirmation',
  }
  if (provider.invoicing === 'in_process') {
    const placed = await publishCatalogChanges(commit)(async (trx) => {
      await recordOrder(services, trx, placement, true)
      return loadOrder(services, trx, scope, placement.orderId)
    }).catch((error: unknown) => {
      if (error instanceof InvoiceRefused) return null
      throw error
    })
    if (placed) return placed
  }
  const order = await catalogTransaction(services.db, (trx) => recordOrder(services, trx, placement, false))
  return attachInvoice(services, placement, { priceCents: order.total, currency: order.currency }, commit)
}

/**
 * Reserves the lines' stock and records the customer and the order, with its expiry job. With
 * `invoiceHere` (an in-process provider) the invoice is made here too and the order is recorded
 * `awaiting_payment` with its mail queued; a refusal throws InvoiceRefused. Otherwise it is `pending`.
 */
async function recordOrder(
  services: Deps,
  trx: DbOrTrx,
  placement: Placement,
  invoiceHere: boolean,
): Promise<{ total: number; currency: string }> {
  const { scope, body, provider, method, orderId, now, expiresAt, renewal } = placement
  const lines = await checkLines(trx, scope, body)
  const counterReserved = await reserveLines(trx, services, scope, lines, { orderId, at: now })
  const email = body.customer_email.trim().toLowerCase()
  if (placement.public) await checkUnpaidLimits(trx, scope, email, placement.public)
  const customer = await upsertCustomer(trx, scope, email, now)
  const currency = lines[0]!.product.currency
  const priced = lines.map(({ product, qty }) => ({
    productId: product.id,
    subtotalCents: Number(product.price_cents) * qty,
  }))
  // After the stock (lock order: products, then the coupon row); a refusal rolls the order back whole.
  const coupon =
    body.coupon === undefined
      ? null
      : await redeemCoupon(trx, scope, { code: body.coupon, currency, lines: priced, at: now })
  const discount = coupon?.discountCents ?? 0
  const total = priced.reduce((sum, line) => sum + line.subtotalCents, 0) - discount
  let invoice: Invoice | null = null
  if (invoiceHere) {
    const result = await requestInvoice(provider, placement, { priceCents: total, currency }, trx)
    if (!result.ok) throw new InvoiceRefused(result.reason)
    invoice = result.value
  }
  await repo.insertOrder(
    trx,
    {
      id: orderId,
      shop_id: scope.shopId,
      livemode: scope.livemode ? 1 : 0,
      status: invoice ? 'awaiting_payment' : 'pending',
      customer_id: customer.id,
      customer_email: email,
      currency,
      total_cents: total,
      discount_cents: discount,
      coupon_id: coupon?.couponId ?? null,
      coupon_code: coupon?.code ?? null,
      note: body.note ?? null,
      shipping_address: body.shipping_address ? JSON.stringify(body.shipping_address) : null,
      failure_reason: null,
      page_token: randomBase62(32),
      renews_order_id: renewal?.renewsOrderId ?? null,
      provider: provider.id,
      chain: method.chain,
      asset: method.asset,
      pay_address: invoice?.address ?? null,
      provider_ref: invoice?.providerRef ?? null,
      amount_due: invoice?.amountDue ?? null,
      amount_received: '0',
      invoice_status: 'new',
      tx_hash: null,
      expires_at: expiresAt,
      fulfilment: null,
      created_at: now,
      updated_at: now,
      paid_at: null,
      delivered_at: null,
      buyer_address: placement.public?.buyerAddress ?? null,
    },
    lines.map(({ product, qty, line }) => ({
      order_id: orderId,
      line,
      shop_id: scope.shopId,
      livemode: scope.livemode ? 1 : 0,
      product_id: product.id,
      product_name: product.name,
      product_type: product.type,
      qty,
      unit_price_cents: Number(product.price_cents),
      subtotal_cents: Number(product.price_cents) * qty,
      counter_reserved: counterReserved.has(product.id) ? 1 : 0,
      delivery_state: 'pending',
      delivered: null,
      attempts: 0,
      last_error: null,
      delivered_at: null,
    })),
  )
  if (customer.created) {
    await recordEvent(trx, services.secretBox, {
      ...scope,
      type: 'customer.created',
      at: now,
      data: newCustomerSummary(customer.id, email, scope.livemode, now),
    })
  }
  // Expiry is scheduled now: if this process dies before the invoice is attached, the reservation still comes back.
  await enqueue(trx, { kind: JOBS.expire, ref: orderId, runAt: expiresAt })
  if (invoice) await queueMail(trx, services.secretBox, scope, { orderId, recipient: email }, placement.mailKind, now)
  return { total, currency }
}

/** Remote steps 2 and 3. Runs the final write through `commit` (which stores an idempotent answer with it). */
async function attachInvoice(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'secretBox'>,
  placement: Placement,
  price: { priceCents: number; currency: string },
  commit: Transact,
): Promise<Order> {
  const { scope, orderId } = placement
  const invoice = await requestInvoice(placement.provider, placement, price)
  if (!invoice.ok) {
    await catalogTransaction(services.db, async (trx) => {
      const now = services.clock.now()
      if (
        await repo.transitionOrder(trx, orderId, ['pending'], {
          status: 'failed',
          failure_reason: 'provider_unavailable',
          updated_at: now,
        })
      ) {
        await releaseReservations(trx, scope, orderId, now)
      }
    })
    // A refusal that will not change on retry (no rate for this currency) is the request's fault.
    if (!invoice.retryable) throw invalidFields({ asset: [`cannot be invoiced: ${invoice.reason}`] })
    throw new AppError(
      'unavailable',
      `The payment provider could not create an invoice (${invoice.reason}); no stock was kept. Try again.`,
      { headers: { 'retry-after': '5' } },
    )
  }
  return commit(async (trx) => {
    const now = services.clock.now()
    const attached = await repo.transitionOrder(trx, orderId, ['pending'], {
      status: 'awaiting_payment',
      pay_address: invoice.value.address,
      amount_due: invoice.value.amountDue,
      provider_ref: invoice.value.providerRef,
      updated_at: now,
    })
    if (attached) {
      const recipient = placement.body.customer_email.trim().toLowerCase()
      await queueMail(trx, services.secretBox, scope, { orderId, recipient }, placement.mailKind, now)
    }
    return loadOrder(services, trx, scope, orderId)
  })
}

/** Asks the provider for the order's invoice; a provider that throws is a retryable failure. */
function requestInvoice(
  provider: PaymentProvider,
  placement: Placement,
  price: { priceCents: number; currency: string },
  trx?: DbOrTrx,
): Promise<ProviderResult<Invoice>> {
  return provider
    .createInvoice({ orderId: placement.orderId, ...price, ...placement.method, expiresAt: placement.expiresAt, trx })
    .catch((error: unknown) => ({ ok: false as const, retryable: true, reason: String(error) }))
}

function providerFor(services: Pick<Services, 'payments'>, scope: Scope) {
  const provider = scope.livemode ? services.payments.live : services.payments.sandbox
  if (!provider)
    throw new AppError(
      'conflict',
      'No live payment provider is configured on this server; use a test key to try checkout in the sandbox.',
    )
  return provider
}
