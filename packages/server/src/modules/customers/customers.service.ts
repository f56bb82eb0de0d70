import type { Services } from '../../services.ts'
import type { RequestContext } from '../../platform/context.ts'
import { toIso, toIsoOrNull } from '../../platform/clock.ts'
import { notFound } from '../../platform/errors.ts'
import { isId } from '../../platform/ids.ts'
import { readPage, toList } from '../../platform/pagination.ts'
import * as repo from './customers.repository.ts'
import type { Customer, CustomerSummary, ListCustomersQuery } from './customers.schemas.ts'
import type { CustomerOrderFigures, CustomerOrders } from './customer-orders.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'db'>

const RECENT_ORDERS = 10

const NO_ORDERS: CustomerOrderFigures = { orders_count: 0, lifetime_cents: 0, last_seen_at: null }

export async function listCustomers(
  services: Deps,
  orders: CustomerOrders,
  ctx: RequestContext,
  query: ListCustomersQuery,
) {
  const page = readPage(query, 'customers', { email: query.email })
  const rows = await repo.listCustomers(services.db, ctx.auth, query.email, page.afterId, page.limit)
  const figures = await orders.figures(
    services.db,
    rows.map((row) => row.id),
  )
  return toList(rows, page, (row) =>
    toCustomerSummary({ ...row, ...(figures.get(row.id) ?? NO_ORDERS) }, ctx.auth.livemode),
  )
}

export async function getCustomer(
  services: Deps,
  orders: CustomerOrders,
  ctx: RequestContext,
  id: string,
): Promise<Customer> {
  const row = isId('customer', id) ? await repo.findCustomer(services.db, ctx.auth, id) : undefined
  if (!row) throw notFound('customer', id)
  const figures = (await orders.figures(services.db, [id])).get(id) ?? NO_ORDERS
  const recent = await orders.recent(services.db, id, RECENT_ORDERS)
  return {
    ...toCustomerSummary({ ...row, ...figures }, ctx.auth.livemode),
    orders: recent.map((o) => ({
      id: o.id,
      status: o.status,
      total_cents: Number(o.total_cents),
      currency: o.currency,
      created_at: toIso(Number(o.created_at)),
      paid_at: toIsoOrNull(o.paid_at === null ? null : Number(o.paid_at)),
    })),
  }
}

/** A customer created by the order being placed, as the API will list it (for customer.created). */
export function newCustomerSummary(id: string, email: string, livemode: boolean, now: number): CustomerSummary {
  return toCustomerSummary(
    { id, email, created_at: now, orders_count: 1, lifetime_cents: 0, last_seen_at: now },
    livemode,
  )
}

function toCustomerSummary(row: repo.CustomerRow & CustomerOrderFigures, livemode: boolean): CustomerSummary {
  return {
    id: row.id,
    email: row.email,
    orders_count: Number(row.orders_count),
    lifetime_cents: Number(row.lifetime_cents),
    livemode,
    first_seen_at: toIso(Number(row.created_at)),
    last_seen_at: row.last_seen_at === null ? null : toIso(Number(row.last_seen_at)),
  }
}
