// Reading orders, and the merchant's actions on one: resend, fulfil, redeliver.
import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { AppError, invalidFields } from '../../platform/errors.ts'
import { parseRfc3339, toIso } from '../../platform/clock.ts'
import { isId } from '../../platform/ids.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import type { FulfilBody, ListOrdersQuery, Order } from './orders.schemas.ts'
import { toOrder } from './orders.mappers.ts'
import * as repo from './orders.repository.ts'
import { JOBS } from './jobs.ts'
import { queueMail } from './mail.ts'
import { completeIfDelivered, findOwnOrder, loadOrder } from './order-state.ts'

type ReadDeps = Pick<Services, 'config' | 'db' | 'secretBox'>
type FulfilDeps = Pick<Services, 'clock' | 'config' | 'secretBox'>

const DAY_MS = 86_400_000

export async function getOrder(services: ReadDeps, ctx: RequestContext, id: string): Promise<Order> {
  return loadOrder(services, services.db, ctx.auth, id)
}

export async function listOrders(services: ReadDeps, ctx: RequestContext, query: ListOrdersQuery) {
  const { status, customer_id, delivery_state, from, to } = query
  const filters = { status, customer_id, delivery_state, from, to, q: query.q }
  const page = readPage(query, 'orders', filters)
  const range = { from: parseDay(query.from, 'from', 0), toBefore: parseDay(query.to, 'to', DAY_MS) }
  const q = query.q?.trim() ?? ''
  const search = q === '' ? {} : isId('order', q) ? { id: q } : { emailContains: q.toLowerCase() }
  const rows = await repo.listOrders(
    services.db,
    ctx.auth,
    { status, customerId: customer_id, deliveryState: delivery_state, ...range, ...search },
    page.afterId,
    page.limit,
  )
  const lines = await repo.findLines(
    services.db,
    rows.slice(0, page.limit).map((r) => r.id),
  )
  const byOrder = new Map<string, typeof lines>()
  for (const line of lines) byOrder.set(line.order_id, [...(byOrder.get(line.order_id) ?? []), line])
  return toList(rows, page, (row) =>
    toOrder(row, byOrder.get(row.id) ?? [], services.config.http.publicUrl, services.secretBox),
  )
}

/** A date covers its whole UTC day (`to` is inclusive); a date-time is taken as given. */
function parseDay(value: string | undefined, field: string, dayOffset: number): number | undefined {
  if (value === undefined) return undefined
  const parsed = parseRfc3339(value)
  if (!parsed)
    throw invalidFields({
      [field]: [
        'must be an RFC 3339 date (2026-05-26, a UTC day) or date-time with an offset (2026-05-26T10:00:00Z, 2026-05-26T12:00:00+02:00)',
      ],
    })
  return parsed.dateOnly ? parsed.epochMs + dayOffset : parsed.epochMs + (dayOffset ? 1 : 0)
}

export async function resendOrder(services: Pick<Services, 'clock' | 'secretBox'>, ctx: RequestContext, id: string) {
  return ctx.transact(async (trx) => {
    const row = await findOwnOrder(trx, ctx.auth, id)
    if (row.status === 'pending') throw new AppError('conflict', `Order ${id} has no invoice yet; nothing to resend.`)
    const now = services.clock.now()
    await queueMail(trx, services.secretBox, ctx.auth, { orderId: id, recipient: row.customer_email }, 'resend', now)
    const lines = await repo.findLines(trx, [id])
    return {
      sent_at: toIso(now),
      recipient: row.customer_email,
      delivery_kind: toOrder(row, lines, '', services.secretBox).delivery.kind,
    }
  })
}

export async function fulfilOrder(
  services: FulfilDeps,
  ctx: RequestContext,
  id: string,
  body: FulfilBody,
): Promise<Order> {
  return ctx.transact(async (trx) => {
    const row = await findOwnOrder(trx, ctx.auth, id)
    // A physical line waits for the merchant from the moment the order is paid: the delivery job,
    // which marks it awaiting_fulfilment, may not have run yet (it skips a line settled here).
    const waiting = (await repo.findLines(trx, [id])).filter(
      (line) =>
        line.product_type === 'physical' &&
        (line.delivery_state === 'awaiting_fulfilment' || line.delivery_state === 'pending'),
    )
    if ((row.status !== 'paid' && row.status !== 'delivering') || waiting.length === 0) {
      throw new AppError(
        'conflict',
        `Order ${id} is ${row.status} with no physical goods waiting to ship; only paid orders with physical items can be fulfilled.`,
      )
    }
    const now = services.clock.now()
    const shipment = { carrier: body.carrier, tracking_number: body.tracking_number }
    for (const line of waiting) {
      await repo.updateLine(trx, id, line.line, {
        delivery_state: 'delivered',
        delivered: services.secretBox.seal(JSON.stringify([shipment])),
        delivered_at: now,
      })
    }
    await repo.updateOrder(trx, id, { fulfilment: JSON.stringify(shipment), updated_at: now })
    await completeIfDelivered(services, trx, id, now)
    return loadOrder(services, trx, ctx.auth, id)
  })
}

/** Runs a failed delivery again: the failed lines start over with a fresh attempt budget. */
export async function redeliverOrder(services: FulfilDeps, ctx: RequestContext, id: string): Promise<Order> {
  return ctx.transact(async (trx) => {
    const row = await findOwnOrder(trx, ctx.auth, id)
    const now = services.clock.now()
    const moved =
      row.failure_reason === 'delivery_failed' &&
      (await repo.transitionOrder(trx, id, ['failed'], { status: 'delivering', failure_reason: null, updated_at: now }))
    if (!moved)
      throw new AppError(
        'conflict',
        `Order ${id} is ${row.status}; only an order whose delivery failed can be redelivered.`,
      )
    await repo.resetFailedLines(trx, id)
    await enqueue(trx, { kind: JOBS.deliver, ref: id, runAt: now })
    return loadOrder(services, trx, ctx.auth, id)
  })
}
