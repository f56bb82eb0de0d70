// Refunds: money back to a buyer, from the shop's balance, through the payout provider.
import type { Services } from '../../services.ts'
import type { JobHandlers } from '../../platform/jobs/runner.ts'
import { runRefund } from './refunds.job.ts'
import { REFUND_JOB } from './refunds.service.ts'

export { refundsRoutes } from './refunds.routes.ts'
export { refundFigures, refundsPerOrder } from './figures.repository.ts'

export function refundJobHandlers(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'payouts' | 'secretBox'>,
): JobHandlers<typeof REFUND_JOB> {
  return { [REFUND_JOB]: (job) => runRefund(services, job.ref) }
}
