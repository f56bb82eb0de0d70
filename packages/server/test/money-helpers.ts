// Shared steps of the money tests: shops with a balance, refunds and payouts followed to the end.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { Payout } from '../src/modules/payouts/payouts.schemas.ts'
import type { Refund } from '../src/modules/refunds/refunds.schemas.ts'
import { json, type Client, type List } from './harness.ts'
import { NO_LIMITS, newProduct, order, settle } from './orders-helpers.ts'
import { waitFor } from './processes.ts'

/** Fast sandbox payouts and polling, and no rate limits. */
export const MONEY_ENV = { ...NO_LIMITS, PAYOUT_POLL_MS: '40', SANDBOX_PAYOUT_CONFIRM_MS: '150' }

/** A real tron address for payouts (base58check, `T…`). */
export const TRON_ADDRESS = 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7'

export const idempotent = (key: string = randomUUID()) => ({ 'idempotency-key': key })

/** An order for `qty` keys of a new product, paid in the sandbox and delivered. */
export async function paidOrder(api: Client, options: { price_cents?: number; currency?: string; qty?: number } = {}) {
  const qty = options.qty ?? 1
  const product = await newProduct(
    api,
    { price_cents: options.price_cents ?? 12900, currency: options.currency ?? 'USD' },
    Array.from({ length: qty }, () => `KEY-${randomUUID()}`),
  )
  const created = await order(api, [{ product_id: product, qty }])
  assert.equal((await api.post(`/v1/test_helpers/orders/${created.id}/pay`, {})).statusCode, 200)
  return { ...(await settle(api, created.id)), product_id: product }
}

export async function balanceOf(api: Client, currency?: string) {
  const res = await api.get(`/v1/balance${currency ? `?currency=${currency}` : ''}`)
  assert.equal(res.statusCode, 200, res.body)
  return res.json()
}

export async function refund(api: Client, orderId: string, body: Record<string, unknown> = {}) {
  return api.post(`/v1/orders/${orderId}/refunds`, body, idempotent())
}

export async function payout(api: Client, body: Record<string, unknown>) {
  return api.post(
    '/v1/payouts',
    { chain: 'tron', asset: 'USDT', destination_address: TRON_ADDRESS, ...body },
    idempotent(),
  )
}

/** Polls until the refund reaches one of `statuses`. */
export async function settledRefund(
  api: Client,
  orderId: string,
  refundId: string,
  statuses = ['succeeded', 'failed'],
) {
  let found: Refund | undefined
  await waitFor(async () => {
    found = json<List<Refund>>(await api.get(`/v1/orders/${orderId}/refunds?limit=100`)).data.find(
      (r) => r.id === refundId,
    )
    return found !== undefined && statuses.includes(found.status)
  }, `refund ${refundId} to settle`)
  return found!
}

/** Polls until the payout reaches one of `statuses`. */
export async function settledPayout(api: Client, id: string, statuses = ['confirmed', 'failed']) {
  let found: Payout | undefined
  await waitFor(
    async () => statuses.includes((found = json<Payout>(await api.get(`/v1/payouts/${id}`))).status),
    `payout ${id} to settle`,
  )
  return found!
}
