// The `chain.watch` job, one per configured chain (ref = the chain): a scan step, then the next one
// SX_WATCH_INTERVAL_MS later. A node that does not answer within the RPC client's retries ends the
// step early; the cursor and everything committed so far stay, and the next step resumes there.
import type { Services } from '../../services.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import type { JobKind } from '../../platform/jobs/kinds.ts'
import type { JobHandlers, JobOutcome } from '../../platform/jobs/runner.ts'
import type { EvmAdapter } from '../chains/index.ts'
import { DEFAULT_TUNING, watchStep, type ScanTuning } from './scan.ts'

export const WATCH_JOB = 'chain.watch' satisfies JobKind

type Deps = Pick<Services, 'db' | 'clock' | 'config' | 'secretBox' | 'log'> & { chains: readonly EvmAdapter[] }

export function watchJobHandlers(
  deps: Deps,
  tuning: ScanTuning = { ...DEFAULT_TUNING, rangeBlocks: deps.config.live.watchRangeBlocks },
): JobHandlers<typeof WATCH_JOB> {
  return { [WATCH_JOB]: (job) => runWatch(deps, job.ref, tuning) }
}

/** Makes every configured chain's watcher due now (a worker starting up scans at once); each keeps itself scheduled. */
export async function scheduleWatchers(deps: Pick<Deps, 'db' | 'clock' | 'chains'>): Promise<void> {
  for (const adapter of deps.chains)
    await enqueue(deps.db, { kind: WATCH_JOB, ref: adapter.chain, runAt: deps.clock.now() })
}

async function runWatch(deps: Deps, chain: string, tuning: ScanTuning): Promise<JobOutcome> {
  const adapter = deps.chains.find((a) => a.chain === chain)
  // A chain no longer configured: its job ends (a restart with its settings schedules it again).
  if (!adapter) return
  const every = deps.config.live.watchIntervalMs
  const step = await watchStep(deps, adapter, tuning).catch((error: unknown) => new Error(firstLine(error)))
  if (step instanceof Error) {
    deps.log.warn({ chain, reason: step.message }, 'chain watcher step failed; resuming from the cursor')
    return { retryAt: deps.clock.now() + every, error: step.message }
  }
  return { retryAt: step.behind ? deps.clock.now() : deps.clock.now() + every }
}

/**
 * The first line of the error only: viem's messages and causes go on to name the request URL, where
 * providers put API keys (the RPC client's own RpcUnavailableError is one clean line).
 */
function firstLine(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string }
  return (e.shortMessage ?? e.message ?? String(error)).split('\n')[0]!.slice(0, 200)
}
