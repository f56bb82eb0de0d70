// The buyer's view of an order, for the hosted page and the emails (rendered by storefront).
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { paymentUri, type Chain } from '../payments/index.ts'
import { downloadsLeft } from '../delivery/index.ts'
import type { OrderPageView } from '../storefront/index.ts'
import { findShopBranding } from '../shops/index.ts'
import { findProductImageUrls } from '../catalog/index.ts'
import { toOrder } from './orders.mappers.ts'
import type { OrderRow } from './orders.table.ts'
import * as repo from './orders.repository.ts'

export async function buildPageView(
  services: Pick<Services, 'clock' | 'config' | 'secretBox'> & Partial<Pick<Services, 'paymentProgress'>>,
  db: DbOrTrx,
  row: OrderRow,
): Promise<OrderPageView> {
  const lines = await repo.findLines(db, [row.id])
  const order = toOrder(row, lines, services.config.http.publicUrl, services.secretBox)
  const shop = await findShopBranding(db, row.shop_id)
  const { publicUrl } = services.config.http
  const images = await findProductImageUrls(
    db,
    lines.map((line) => line.product_id),
    publicUrl,
  )
  const names = new Map(lines.map((line) => [line.product_id, line.product_name]))
  const { payment } = order
  // Download links show what is left of their allowance, not the limit they started with.
  const left = await downloadsLeft(
    db,
    order.delivery.items.flatMap((item) => (item.kind === 'file_download' && item.url ? [item.url] : [])),
  )
  return {
    shopName: shop?.name ?? 'Shop',
    brand: {
      color: shop?.brand_color ?? null,
      logoUrl: shop?.logo_url ?? null,
      supportEmail: shop?.support_email ?? null,
    },
    livemode: order.livemode,
    orderId: order.id,
    status: order.status,
    failureReason: order.failure_reason,
    totalCents: order.total_cents,
    currency: order.currency,
    lines: order.items.map((item) => ({
      name: item.product,
      qty: item.qty,
      subtotalCents: item.subtotal_cents,
      imageUrl: images.get(item.product_id) ?? null,
    })),
    imageOrigin: new URL(publicUrl).origin,
    discount: order.coupon === null ? null : { code: order.coupon, cents: order.discount_cents },
    payment:
      payment.address === null || payment.amount === null
        ? null
        : {
            chain: payment.chain,
            asset: payment.asset,
            address: payment.address,
            amountDue: payment.amount,
            amountRemaining: payment.amount_remaining ?? payment.amount,
            amountPaid: payment.amount_paid,
            status: payment.status,
            paymentUri: paymentUri(
              payment.chain as Chain,
              payment.asset,
              payment.address,
              payment.amount_remaining ?? payment.amount,
            ),
            expiresAt: payment.expires_at,
            confirming: row.livemode === 1 ? await services.paymentProgress?.(db, row.id) : null,
          },
    delivery: {
      state: order.delivery.state,
      items: order.delivery.items.map((item) => ({
        productName: names.get(item.product_id) ?? item.product_id,
        kind: item.kind,
        value: item.value,
        url: item.url,
        expiresAt: item.expires_at,
        downloadsLeft: item.url && left.has(item.url) ? left.get(item.url) : item.max_downloads,
        carrier: item.carrier,
        trackingNumber: item.tracking_number,
        periodEnd: item.period_end,
      })),
    },
    nowIso: new Date(services.clock.now()).toISOString(),
    statusUrl: `/o/${row.page_token}/status`,
    version: pageVersion(row),
  }
}

/** Changes whenever anything the page shows changes; the page polls it. */
export function pageVersion(row: Pick<OrderRow, 'status' | 'updated_at' | 'amount_received'>): string {
  return `${row.status}.${row.updated_at}.${row.amount_received}`
}
