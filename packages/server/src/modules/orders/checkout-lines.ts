// Checkout's lines: which products an order names and how it pays (checked before anything is
// written), and taking their stock. Lines are reserved in product-id order, the order every
// transaction that locks stock takes them in (release: order-state.ts), so two checkouts, or a
// checkout and an expiry, never wait on each other in a cycle; the catalog version moves after
// all of it (catalog/versions.repository.ts).
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { AppError, invalidFields, type FieldErrors } from '../../platform/errors.ts'
import { isId } from '../../platform/ids.ts'
import {
  findSellableProducts,
  POOL_TYPES,
  reservePoolItems,
  takeCounterStock,
  type ProductRow,
} from '../catalog/index.ts'
import { DEFAULT_PAYMENT_METHOD, findAsset, type Chain } from '../payments/index.ts'
import type { CreateOrderBody } from './orders.schemas.ts'

export type Scope = { shopId: string; livemode: boolean }
export type Line = { product: ProductRow; qty: number; line: number }

export function paymentMethod(body: CreateOrderBody): { chain: Chain; asset: string } {
  if ((body.chain === undefined) !== (body.asset === undefined)) {
    throw invalidFields({
      [body.chain === undefined ? 'chain' : 'asset']: ['is required when the other of chain and asset is given'],
    })
  }
  const method = body.chain && body.asset ? { chain: body.chain as Chain, asset: body.asset } : DEFAULT_PAYMENT_METHOD
  if (!findAsset(method.chain, method.asset)) throw invalidFields({ asset: [`is not available on ${method.chain}`] })
  return method
}

/** Every line must name a sellable product of this shop and mode, all in one currency. */
export async function checkLines(trx: DbOrTrx, scope: Scope, body: CreateOrderBody): Promise<Line[]> {
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
 * Reserves every line's stock in product-id order, or throws sold out (the transaction rolls
 * back). Returns the products whose lines took units off a counter: only those give units back
 * if the order is not paid.
 */
export async function reserveLines(
  trx: DbOrTrx,
  services: Pick<Services, 'dialect'>,
  scope: Scope,
  lines: Line[],
  order: { orderId: string; at: number },
): Promise<Set<string>> {
  const counterReserved = new Set<string>()
  for (const { product, qty } of [...lines].sort((a, b) => (a.product.id < b.product.id ? -1 : 1))) {
    if (await reserve(trx, services, scope, product, { ...order, qty })) counterReserved.add(product.id)
  }
  return counterReserved
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
