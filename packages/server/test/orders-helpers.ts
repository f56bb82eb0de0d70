// Shared steps of the order tests: products with stock, orders, waiting for the worker.
import assert from 'node:assert/strict'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { json, sampleProduct, type Client, type TestEnv } from './harness.ts'
import { waitFor } from './processes.ts'

export const NO_LIMITS = { RATE_LIMIT_WRITES: '100000', RATE_LIMIT_READS: '100000' }
export const SHIP_TO = {
  name: 'Ada Buyer',
  line1: '1 Main St',
  city: 'Springfield',
  postal_code: '12345',
  country: 'US',
}

export async function newProduct(api: Client, overrides: Record<string, unknown>, items?: string[]): Promise<string> {
  const res = await api.post('/v1/products', sampleProduct(overrides))
  assert.equal(res.statusCode, 201, res.body)
  const id = res.json().id as string
  if (items) assert.equal((await api.post(`/v1/products/${id}/stock`, { items })).statusCode, 201)
  return id
}

export async function order(
  api: Client,
  items: { product_id: string; qty: number }[],
  extra: Record<string, unknown> = {},
) {
  const res = await api.post('/v1/orders', { customer_email: 'Buyer@Example.com', items, ...extra })
  assert.equal(res.statusCode, 201, res.body)
  return json<Order>(res)
}

/** Polls the order until `done` holds (the worker runs in the background). */
export async function settle(
  api: Client,
  id: string,
  done: (o: Order) => boolean = (o) => ['completed', 'failed'].includes(o.status),
): Promise<Order> {
  let last: Order | undefined
  await waitFor(async () => done((last = json<Order>(await api.get(`/v1/orders/${id}`)))), `order ${id} to settle`)
  return last!
}

/** The shop's events, oldest first, with their payloads opened (they are stored sealed). */
export const eventsOf = async (env: TestEnv, shopId: string) =>
  (
    await env.services.db
      .selectFrom('events')
      .select(['type', 'data'])
      .where('shop_id', '=', shopId)
      .orderBy('id')
      .execute()
  ).map((event) => ({ type: event.type, data: env.services.secretBox.open(event.data) }))
