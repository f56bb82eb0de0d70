// The auth contract's recipes (auth-contract.test.ts): for every authenticated route, how to make a
// valid request, and what its {id} points at. A new /v1 route needs one here, or that file fails.
import type { RouteAbility } from '../src/platform/http/auth.ts'
import { sampleProduct } from './harness.ts'
import { TRON_ADDRESS } from './money-helpers.ts'

export type Made = { id: string; secret?: string; deliveryId?: string }
export type ObjectKind =
  | 'product'
  | 'plan'
  | 'fileProduct'
  | 'apiKey'
  | 'order'
  | 'paidOrder'
  | 'customer'
  | 'payout'
  | 'webhook'
  | 'webhookDelivery'
  | 'event'
  | 'coupon'
/**
 * How to produce a valid request for a route; `object` names what its {id} points at, `query` is
 * added to the valid request, and `success` overrides the documented status where a fresh object
 * is in the wrong state for the action (those transitions are tested in orders tests).
 * `idempotent` routes require an Idempotency-Key: every request gets a fresh one.
 */
export type Recipe = {
  ability: RouteAbility
  object?: ObjectKind
  body?: unknown | ((id: string) => unknown)
  query?: string
  success?: number
  idempotent?: boolean
  /** The body is bytes, not JSON (an image): the invalid request is an over-long id instead. */
  rawBody?: boolean
}

/** 32 random key characters (a fresh coupon code, an unknown key of the right shape). */
export const randomTail = () =>
  Array.from(
    { length: 32 },
    () => 'ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnpqrstuvwxyz0123456789'[Math.floor(Math.random() * 56)],
  ).join('')

/** The smallest PNG signature the image route takes (judged by content). */
export const PNG_BYTES = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(32)])
export const PAYOUT_BODY = { chain: 'tron', asset: 'USDT', amount_cents: 1000, destination_address: TRON_ADDRESS }

export const RECIPES: Record<string, Recipe> = {
  'GET /v1/api-keys': { ability: 'all' },
  'POST /v1/api-keys': { ability: 'all', body: { name: 'contract', abilities: ['products:read'] } },
  'DELETE /v1/api-keys/{id}': { ability: 'all', object: 'apiKey' },
  'GET /v1/products': { ability: 'products:read' },
  'POST /v1/products': { ability: 'products:write', body: sampleProduct() },
  'GET /v1/products/{id}': { ability: 'products:read', object: 'product' },
  'PATCH /v1/products/{id}': { ability: 'products:write', object: 'product', body: { name: 'Renamed by contract' } },
  'DELETE /v1/products/{id}': { ability: 'products:write', object: 'product' },
  'POST /v1/products/{id}/stock': {
    ability: 'products:write',
    object: 'product',
    body: { items: ['KEY-AAAA', 'KEY-BBBB'] },
  },
  'GET /v1/coupons': { ability: 'products:read' },
  // Codes are unique per shop: every request gets a fresh one.
  'POST /v1/coupons': { ability: 'products:write', body: () => ({ code: `C${randomTail()}`, percent_off: 10 }) },
  'GET /v1/coupons/{id}': { ability: 'products:read', object: 'coupon' },
  'PATCH /v1/coupons/{id}': { ability: 'products:write', object: 'coupon', body: { active: false } },
  'DELETE /v1/coupons/{id}': { ability: 'products:write', object: 'coupon' },
  'PUT /v1/products/{id}/file': {
    ability: 'products:write',
    object: 'fileProduct',
    body: { any: 'bytes' },
    query: '?filename=guide.pdf',
  },
  'PUT /v1/products/{id}/image': { ability: 'products:write', object: 'product', body: PNG_BYTES, rawBody: true },
  'DELETE /v1/products/{id}/image': { ability: 'products:write', object: 'product' },
  'GET /v1/orders': { ability: 'orders:read' },
  'POST /v1/orders': { ability: 'orders:write', object: 'plan', body: (id: string) => orderBody(id) },
  'GET /v1/orders/{id}': { ability: 'orders:read', object: 'order' },
  'POST /v1/orders/{id}/resend': { ability: 'orders:write', object: 'order', body: {} },
  'POST /v1/orders/{id}/redeliver': { ability: 'orders:write', object: 'order', body: {}, success: 409 },
  'POST /v1/orders/{id}/fulfil': {
    ability: 'orders:write',
    object: 'order',
    body: { carrier: 'DHL', tracking_number: 'JD0001' },
    success: 409,
  },
  'POST /v1/test_helpers/orders/{id}/pay': { ability: 'orders:write', object: 'order', body: {} },
  'GET /v1/customers': { ability: 'customers:read' },
  'GET /v1/customers/{id}': { ability: 'customers:read', object: 'customer' },
  'GET /v1/webhooks': { ability: 'webhooks:read' },
  'POST /v1/webhooks': { ability: 'webhooks:write', body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } },
  'GET /v1/webhooks/{id}': { ability: 'webhooks:read', object: 'webhook' },
  'PATCH /v1/webhooks/{id}': {
    ability: 'webhooks:write',
    object: 'webhook',
    body: { description: 'changed by contract' },
  },
  'DELETE /v1/webhooks/{id}': { ability: 'webhooks:write', object: 'webhook' },
  'POST /v1/webhooks/{id}/rotate_secret': { ability: 'webhooks:write', object: 'webhook', body: {} },
  'POST /v1/webhooks/{id}/test': { ability: 'webhooks:write', object: 'webhook', body: {} },
  'GET /v1/webhooks/{id}/deliveries': { ability: 'webhooks:read', object: 'webhook' },
  // The attempt made for the contract is a test ping, which cannot be retried (409); webhooks.test.ts retries real ones.
  'POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry': {
    ability: 'webhooks:write',
    object: 'webhookDelivery',
    body: {},
    success: 409,
  },
  'GET /v1/events': { ability: 'webhooks:read' },
  'GET /v1/events/{id}': { ability: 'webhooks:read', object: 'event' },
  'POST /v1/orders/{id}/refunds': {
    ability: 'orders:write',
    object: 'paidOrder',
    body: { amount_cents: 100 },
    idempotent: true,
  },
  'GET /v1/orders/{id}/refunds': { ability: 'orders:read', object: 'order' },
  'GET /v1/balance': { ability: 'payouts:read' },
  'GET /v1/payouts': { ability: 'payouts:read' },
  // A fresh shop has no balance to pay out (422); payouts themselves are tested in money tests.
  'POST /v1/payouts': { ability: 'payouts:write', body: PAYOUT_BODY, idempotent: true, success: 422 },
  'GET /v1/payouts/{id}': { ability: 'payouts:read', object: 'payout' },
  'GET /v1/shop': { ability: 'products:read' },
  'PATCH /v1/shop': { ability: 'all', body: { brand_color: '#112233' } },
  'GET /v1/reports/daily': { ability: 'orders:read', query: '?days=7' },
}

/** A receiver address each mode accepts; nothing listens there, so a ping fails fast. */
export const hookUrl = (owner: string) =>
  owner.startsWith('sx_live_') ? 'https://93.184.216.34/hook' : 'http://127.0.0.1:9/hook'

/** POST /v1/orders has no {id}: its object is the product it orders, named in the body. */
export const orderBody = (productId: string) => ({
  customer_email: 'buyer@example.com',
  items: [{ product_id: productId, qty: 1 }],
})
