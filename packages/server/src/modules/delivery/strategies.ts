// One delivery strategy per product type.
import { modePolicy } from '../../platform/outbound/address-policy.ts'
import { randomBase62, sha256Hex } from '../../platform/crypto.ts'
import { toIso } from '../../platform/clock.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import type { JobKind } from '../../platform/jobs/kinds.ts'
import { findDeliverySettings, sellPoolItems, type ProductType } from '../catalog/index.ts'
import { callDynamicEndpoint } from './dynamic-client.ts'
import { addInterval, renewalRunAt, type Interval } from './intervals.ts'
import type { DeliveryStrategy } from './strategy.ts'

/** Job kind of a subscription's renewal invoice (ref = the order of the current period). */
export const RENEWAL_JOB = 'subscription.renew' satisfies JobKind

/** license_key, account: the items checkout reserved for this order, now sold. */
const pool: DeliveryStrategy = {
  async settle(trx, deps, line) {
    const sealed = await sellPoolItems(trx, line.orderId, line.productId)
    if (sealed.length !== line.qty)
      throw new Error(`order ${line.orderId} holds ${sealed.length} items of ${line.productId}, expected ${line.qty}`)
    return { state: 'delivered', delivered: sealed.map((value) => ({ value: deps.secretBox.open(value) })) }
  },
}

/** physical: waits for POST /v1/orders/{id}/fulfil. */
const physical: DeliveryStrategy = {
  async settle() {
    return { state: 'awaiting_fulfilment' }
  },
}

/** file_download: one link per unit, valid for a while and a number of downloads. */
const fileDownload: DeliveryStrategy = {
  async settle(trx, deps, line) {
    const now = deps.clock.now()
    const expiresAt = now + deps.config.delivery.downloadTtlSeconds * 1000
    const delivered = []
    for (let unit = 0; unit < line.qty; unit++) {
      const token = randomBase62(40)
      await trx
        .insertInto('downloads')
        .values({
          token_hash: sha256Hex(token),
          shop_id: line.shopId,
          livemode: line.livemode ? 1 : 0,
          order_id: line.orderId,
          product_id: line.productId,
          expires_at: expiresAt,
          downloads_left: deps.config.delivery.downloadLimit,
          created_at: now,
        })
        .execute()
      delivered.push({
        url: `${deps.config.http.publicUrl}/dl/${token}`,
        expires_at: toIso(expiresAt),
        max_downloads: deps.config.delivery.downloadLimit,
      })
    }
    return { state: 'delivered', delivered }
  },
}

/** dynamic: the merchant's endpoint makes the items, asked with a signed POST. */
const dynamic: DeliveryStrategy = {
  async fetch(deps, line) {
    const product = await findDeliverySettings(deps.db, line.productId)
    if (!product?.dynamic_url || !product.signing_secret_sealed)
      return { ok: false, reason: 'the product has no dynamic_url' }
    const result = await callDynamicEndpoint({
      url: product.dynamic_url,
      secret: deps.secretBox.open(product.signing_secret_sealed),
      payload: {
        order_id: line.orderId,
        product_id: line.productId,
        qty: line.qty,
        customer_email: line.customerEmail,
        livemode: line.livemode,
      },
      idempotencyKey: `${line.orderId}:${line.line}`,
      eventId: `${line.orderId}:${line.line}`,
      client: deps.outbound,
      policy: modePolicy(line.livemode, deps.config.allowPrivateUrls),
      timeoutMs: deps.config.delivery.dynamicTimeoutMs,
      now: () => deps.clock.now(),
    })
    return result.ok ? { ok: true, values: result.items } : { ok: false, reason: result.reason }
  },
  async settle(_trx, _deps, _line, fetched) {
    if (!fetched?.ok) throw new Error('dynamic delivery settled without items')
    return { state: 'delivered', delivered: fetched.values.map((value) => ({ value })) }
  },
}

/** subscription: grants the current period and schedules the renewal invoice before it ends. */
const subscription: DeliveryStrategy = {
  async settle(trx, deps, line) {
    const product = await findDeliverySettings(trx, line.productId)
    if (!product) throw new Error(`product ${line.productId} not found`)
    const previousEnd = line.renewedPeriodEnd
    const start = previousEnd !== null && previousEnd > line.paidAt ? previousEnd : line.paidAt
    const end = addInterval(start, product.interval as Interval)
    await enqueue(trx, {
      kind: RENEWAL_JOB,
      ref: line.orderId,
      runAt: renewalRunAt(start, end, deps.config.delivery.renewalNoticeSeconds * 1000),
    })
    return { state: 'delivered', delivered: [{ period_start: toIso(start), period_end: toIso(end) }] }
  },
}

export const STRATEGIES: Record<ProductType, DeliveryStrategy> = {
  license_key: pool,
  account: pool,
  physical,
  file_download: fileDownload,
  dynamic,
  subscription,
}
