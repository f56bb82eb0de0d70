// Payouts: the shop's balance sent to its own address, through the payout provider.
import type { Services } from '../../services.ts'
import type { JobHandlers } from '../../platform/jobs/runner.ts'
import { runPayout } from './payouts.job.ts'
import { PAYOUT_JOB } from './payouts.service.ts'

export { payoutsRoutes } from './payouts.routes.ts'
export { payoutFigures } from './figures.repository.ts'

export function payoutJobHandlers(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'payouts' | 'secretBox'>,
): JobHandlers<typeof PAYOUT_JOB> {
  return { [PAYOUT_JOB]: (job) => runPayout(services, job.ref) }
}
