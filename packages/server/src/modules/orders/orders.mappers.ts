// Rows → the API's order object: the only place that happens (pages and emails build on it too).
import { toIso, toIsoOrNull } from '../../platform/clock.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { findAsset, formatUnits, overpaid, remaining, type Chain, type InvoiceStatus } from '../payments/index.ts'
import type { ProductType } from '../catalog/index.ts'
import type { DeliveredValue } from '../delivery/index.ts'
import type { DeliveryState, Order, OrderStatus } from './orders.schemas.ts'
import type { OrderLineRow, OrderRow } from './orders.table.ts'

export function pageUrl(publicUrl: string, row: Pick<OrderRow, 'page_token'>): string {
  return `${publicUrl}/o/${row.page_token}`
}

/** `box` opens what the lines delivered (stored sealed). */
export function toOrder(row: OrderRow, lines: OrderLineRow[], publicUrl: string, box: Pick<SecretBox, 'open'>): Order {
  const decimals = findAsset(row.chain as Chain, row.asset)?.decimals ?? 0
  const units = (value: bigint) => formatUnits(value, decimals)
  const due = row.amount_due === null ? null : BigInt(row.amount_due)
  const received = BigInt(row.amount_received)
  const status = row.status as OrderStatus
  return {
    id: row.id,
    status,
    total_cents: Number(row.total_cents),
    discount_cents: Number(row.discount_cents),
    coupon: row.coupon_code,
    refunded_cents: Number(row.refunded_cents),
    currency: row.currency,
    customer_email: row.customer_email,
    customer_id: row.customer_id,
    livemode: row.livemode === 1,
    note: row.note,
    shipping_address: row.shipping_address === null ? null : JSON.parse(row.shipping_address),
    failure_reason: row.failure_reason as Order['failure_reason'],
    checkout_url: pageUrl(publicUrl, row),
    created_at: toIso(Number(row.created_at)),
    updated_at: toIso(Number(row.updated_at)),
    expires_at: toIso(Number(row.expires_at)),
    paid_at: toIsoOrNull(row.paid_at === null ? null : Number(row.paid_at)),
    payment: {
      provider: row.provider,
      chain: row.chain as Chain,
      asset: row.asset,
      address: row.pay_address,
      amount: due === null ? null : units(due),
      amount_paid: units(received),
      amount_remaining: due === null ? null : units(remaining(due, received)),
      overpaid_amount: units(due === null ? 0n : overpaid(due, received)),
      status: row.invoice_status as InvoiceStatus,
      tx_hash: row.tx_hash,
      expires_at: toIso(Number(row.expires_at)),
    },
    items: lines.map((line) => ({
      product_id: line.product_id,
      product: line.product_name,
      type: line.product_type as ProductType,
      qty: Number(line.qty),
      unit_price_cents: Number(line.unit_price_cents),
      subtotal_cents: Number(line.subtotal_cents),
    })),
    delivery: {
      kind: deliveryKind(lines),
      state: deliveryState(status, lines),
      delivered_at: toIsoOrNull(row.delivered_at === null ? null : Number(row.delivered_at)),
      items: lines.flatMap((line) =>
        (line.delivered === null ? [] : (JSON.parse(box.open(line.delivered)) as DeliveredValue[])).map((value) => ({
          product_id: line.product_id,
          kind: line.product_type as ProductType,
          ...value,
        })),
      ),
    },
  }
}

function deliveryKind(lines: OrderLineRow[]): string {
  const kinds = new Set(lines.map((line) => line.product_type))
  return kinds.size === 1 ? [...kinds][0]! : 'mixed'
}

function deliveryState(status: OrderStatus, lines: Pick<OrderLineRow, 'delivery_state'>[]): DeliveryState {
  const states = lines.map((line) => line.delivery_state)
  if (states.includes('failed')) return 'failed'
  if (states.every((s) => s === 'delivered'))
    return status === 'pending' || status === 'awaiting_payment' ? 'pending' : 'delivered'
  if (status !== 'paid' && status !== 'delivering') return 'pending'
  if (states.every((s) => s === 'delivered' || s === 'awaiting_fulfilment')) return 'awaiting_fulfilment'
  return 'in_progress'
}
