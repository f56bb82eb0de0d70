// Checkout, in three steps (no network call inside a transaction):
//   1. one transaction reserves the stock, records the customer and a `pending` order, and
//      schedules its expiry;
//   2. the payment provider makes the invoice;
//   3. a second transaction attaches it (`awaiting_payment`) and queues the confirmation mail.
// If step 2 fails, a compensating transaction releases the stock and fails the order.
import type { Services } from '../../services.ts'
import type { RequestContext, Transact } from '../../platform/context.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { AppError, invalidFields, type FieldErrors } from '../../platform/errors.ts'
import { isId, newId } from '../../platform/ids.ts'
import { randomBase62 } from '../../platform/crypto.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import { recordEvent } from '../../platform/outbox/outbox.ts'
import { newCustomerSummary, upsertCustomer } from '../customers/index.ts'
import {
  findSellableProducts,
  POOL_TYPES,
  reservePoolItems,
  takeCounterStock,
  type ProductRow,
} from '../catalog/index.ts'
import { DEFAULT_PAYMENT_METHOD, findAsset, type Chain, type PaymentProvider } from '../payments/index.ts'
import type { CreateOrderBody, Order } from './orders.schemas.ts'
import * as repo from './orders.repository.ts'
import { loadOrder, releaseReservations } from './order-state.ts'
import { JOBS } from './jobs.ts'
import { queueMail, type MailKind } from './mail.ts'

type Deps = Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'payments' | 'secretBox'>

type Scope = { shopId: string; livemode: boolean }
type Line = { product: ProductRow; qty: number; line: number }

/** Subscription renewals pass the order they renew, and pay until the current period ends. */
type RenewalOptions = { renewsOrderId: string; expiresAt: number }

/** A buyer's order: the final write goes through the request's `transact` (with its idempotent answer). */
export async function createOrder(services: Deps, ctx: RequestContext, body: CreateOrderBody): Promise<Order> {
  return placeOrder(services, ctx.auth, body, ctx.transact)
}

/**
 * A subscription's renewal order, for the renewal job: no request, so the final write is a plain
 * transaction, and the worker is nudged after it so the renewal's invoice mail goes out at once.
 */
export async function createRenewalOrder(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'jobs' | 'payments' | 'secretBox'>,
  scope: Scope,
  body: CreateOrderBody,
  renewal: RenewalOptions,
): Promise<Order> {
  const commit: Transact = async (work) => {
    const result = await services.db.transaction().execute(work)
    services.jobs.nudge()
    return result
  }
  return placeOrder(services, scope, body, commit, renewal)
}

async function placeOrder(
  services: Deps,
  scope: Scope,
  body: CreateOrderBody,
  commit: Transact,
  renewal?: RenewalOptions,
): Promise<Order> {
  const method = paymentMethod(body)
  const provider = providerFor(services, scope)
  const now = services.clock.now()
  const orderId = newId('order')
  const expiresAt = Math.max(now + services.config.orders.ttlSeconds * 1000, renewal?.expiresAt ?? 0)

  const order = await services.db.transaction().execute(async (trx) => {
    // Each reservation takes the shop's catalog version row before anything else it locks (see
    // reservations.repository.ts), so concurrent checkouts and imports cannot deadlock.
    const lines = await checkLines(trx, scope, body)
    // Which lines took units off a counter: only those give units back if the order is not paid.
    const counterReserved = new Set<string>()
    for (const { product, qty } of [...lines].sort((a, b) => (a.product.id < b.product.id ? -1 : 1))) {
      if (await reserve(trx, services, scope, product, { orderId, qty, at: now })) counterReserved.add(product.id)
    }
    const email = body.customer_email.trim().toLowerCase()
    const customer = await upsertCustomer(trx, scope, email, now)
    const total = lines.reduce((sum, { product, qty }) => sum + Number(product.price_cents) * qty, 0)
    await repo.insertOrder(
      trx,
      {
        id: orderId,
        shop_id: scope.shopId,
        livemode: scope.livemode ? 1 : 0,
        status: 'pending',
        customer_id: customer.id,
        customer_email: email,
        currency: lines[0]!.product.currency,
        total_cents: total,
        note: body.note ?? null,
        shipping_address: body.shipping_address ? JSON.stringify(body.shipping_address) : null,
        failure_reason: null,
        page_token: randomBase62(32),
        renews_order_id: renewal?.renewsOrderId ?? null,
        provider: provider.id,
        chain: method.chain,
        asset: method.asset,
        pay_address: null,
        provider_ref: null,
        amount_due: null,
        amount_received: '0',
        invoice_status: 'new',
        tx_hash: null,
        expires_at: expiresAt,
        fulfilment: null,
        created_at: now,
        updated_at: now,
        paid_at: null,
        delivered_at: null,
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
    // Expiry is scheduled now: if this process dies before step 3, the reservation still comes back.
    await enqueue(trx, { kind: JOBS.expire, ref: orderId, runAt: expiresAt })
    return { total, currency: lines[0]!.product.currency, email }
  })

  const invoice = { priceCents: order.total, currency: order.currency, ...method, expiresAt, recipient: order.email }
  return attachInvoice(services, provider, scope, orderId, invoice, renewal ? 'renewal' : 'confirmation', commit)
}

/** Steps 2 and 3. Runs the final write through `transact` (which stores an idempotent answer with it). */
async function attachInvoice(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'secretBox'>,
  provider: PaymentProvider,
  scope: Scope,
  orderId: string,
  request: { priceCents: number; currency: string; chain: Chain; asset: string; expiresAt: number; recipient: string },
  mailKind: MailKind,
  transact: Transact,
): Promise<Order> {
  const { recipient, ...quote } = request
  const invoice = await provider
    .createInvoice({ orderId, ...quote })
    .catch((error: unknown) => ({ ok: false as const, retryable: true, reason: String(error) }))
  if (!invoice.ok) {
    await services.db.transaction().execute(async (trx) => {
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
  return transact(async (trx) => {
    const now = services.clock.now()
    const attached = await repo.transitionOrder(trx, orderId, ['pending'], {
      status: 'awaiting_payment',
      pay_address: invoice.value.address,
      amount_due: invoice.value.amountDue,
      provider_ref: invoice.value.providerRef,
      updated_at: now,
    })
    if (attached) await queueMail(trx, services.secretBox, scope, { orderId, recipient }, mailKind, now)
    return loadOrder(services, trx, scope, orderId)
  })
}

function paymentMethod(body: CreateOrderBody): { chain: Chain; asset: string } {
  if ((body.chain === undefined) !== (body.asset === undefined)) {
    throw invalidFields({
      [body.chain === undefined ? 'chain' : 'asset']: ['is required when the other of chain and asset is given'],
    })
  }
  const method = body.chain && body.asset ? { chain: body.chain as Chain, asset: body.asset } : DEFAULT_PAYMENT_METHOD
  if (!findAsset(method.chain, method.asset)) throw invalidFields({ asset: [`is not available on ${method.chain}`] })
  return method
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

/** Every line must name a sellable product of this shop and mode, all in one currency. */
async function checkLines(trx: DbOrTrx, scope: Scope, body: CreateOrderBody): Promise<Line[]> {
  const errors: FieldErrors = {}
  const ids = body.items.map((item) => item.product_id)
  const products = new Map(
    (
      await findSellableProducts(
        trx,
        scope,
        ids.filter((id) => isId('product', id)),
      )
    ).map((p) => [p.id, p]),
  )
  const seen = new Set<string>()
  const lines: Line[] = []
  body.items.forEach((item, index) => {
    const field = `items.${index}.product_id`
    const product = products.get(item.product_id)
    if (seen.has(item.product_id)) errors[field] = ['appears on two lines; send one line with the total qty']
    else if (!product) errors[field] = [`no product ${item.product_id} in this shop`]
    else if (product.status !== 'active') errors[field] = [`is ${product.status} and cannot be ordered`]
    else if (product.type === 'file_download' && !product.file_sha256) errors[field] = ['has no file uploaded yet']
    else if (product.type === 'subscription' && item.qty !== 1)
      errors[`items.${index}.qty`] = ['must be 1 for a subscription']
    seen.add(item.product_id)
    if (product) lines.push({ product, qty: item.qty, line: index + 1 })
  })
  const currencies = new Set(lines.map((l) => l.product.currency))
  if (currencies.size > 1)
    errors.items = [`mix currencies (${[...currencies].join(', ')}); one order is paid in one currency`]
  const physical = lines.some((l) => l.product.type === 'physical')
  if (physical && !body.shipping_address) errors.shipping_address = ['is required for physical products']
  if (!physical && body.shipping_address) errors.shipping_address = ['is only taken when an item is a physical product']
  if (Object.keys(errors).length > 0) throw invalidFields(errors)
  return lines
}

/**
 * Reserves a line's stock, or throws sold out with what is really left. Returns true when it took
 * units off a counter (the line then holds them). A product read as unlimited takes nothing; one
 * that became unlimited since it was read takes nothing either (the counter's answer decides).
 */
async function reserve(
  trx: DbOrTrx,
  services: Pick<Services, 'dialect'>,
  scope: Scope,
  product: ProductRow,
  order: { orderId: string; qty: number; at: number },
): Promise<boolean> {
  const { orderId, qty } = order
  if (POOL_TYPES.has(product.type)) {
    // What it managed to reserve is what was left (the transaction rolls back on a shortfall).
    const got = await reservePoolItems(trx, services.dialect, scope, product.id, orderId, qty)
    if (got < qty) throw soldOut(product, qty, got)
    return false
  }
  if (product.stock_counter === null) return false
  const take = await takeCounterStock(trx, scope, { productId: product.id, ...order })
  if (take.taken) return true
  if (take.left === null) return false
  throw soldOut(product, qty, take.left)
}

function soldOut(product: ProductRow, qty: number, left: number): AppError {
  return new AppError(
    'conflict',
    `${product.name} (${product.id}) is sold out for qty ${qty}. Only ${Math.max(0, left)} left.`,
    { errors: { sold_out: [product.id] } },
  )
}
