// Orders: checkout, payments applied to invoices, delivery, the buyer's pages, and the order's side of refunds.
import type { Services } from '../../services.ts'
import type { JobHandlers } from '../../platform/jobs/runner.ts'
import { JOBS, type OrderJobKind } from './jobs.ts'
import { runDelivery } from './delivery.job.ts'
import { expireOrder } from './expiry.job.ts'
import { renewSubscription } from './renewal.job.ts'

export { ordersRoutes, testHelperRoutes } from './orders.routes.ts'
export { reportsRoutes } from './reports.routes.ts'
export { buyerPageRoutes } from './pages.routes.ts'
export { checkoutFormRoutes } from './checkout-form.routes.ts'
export { OrderSchema } from './orders.schemas.ts'
export type { OrderRow } from './orders.table.ts'
export { addRefundedCents, holdsPayment, lockOrderById, lockOwnOrder, markRefundedIfCovered } from './order-refunds.ts'
export { orderMailRenderer } from './mail.ts'
export { findOwnOrder } from './order-state.ts'
export { applyChainPayment, noteUnconfirmed, paySandboxInvoice } from './payment.service.ts'
export { customerOrders } from './customer-orders.repository.ts'
export {
  counterLineFigures,
  orderCreatedAt,
  paidFigures,
  refundStateFigures,
  type CounterLineFigure,
} from './figures.repository.ts'

export function orderJobHandlers(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'jobs' | 'outbound' | 'payments' | 'secretBox'>,
): JobHandlers<OrderJobKind> {
  return {
    [JOBS.expire]: (job) => expireOrder(services, job.ref),
    [JOBS.deliver]: (job) => runDelivery(services, job.ref),
    [JOBS.renew]: (job) => renewSubscription(services, job.ref),
  }
}
export { addressesAwaitingPayment } from './open-invoices.ts'
