// The start check of every configured chain: `sx serve` and `sx worker` refuse to start on a node of
// another network, a token whose decimals differ, or an RPC that does not answer, with one line.
import type { LiveConfig } from '../../config-live.ts'
import { createEvmAdapter, type EvmAdapter, type EvmAdapterOptions } from './evm-adapter.ts'
import type { ChainStatus } from './chain-adapter.ts'
import { STARTUP_RETRY, type RetryPolicy } from './rpc.ts'

export type ConnectedChains = Readonly<{ evm: readonly EvmAdapter[]; status: readonly ChainStatus[] }>

/**
 * Builds an adapter per configured chain and checks them all at once (a slow node does not delay the
 * others); the first failure in chain order is thrown (ChainConfigError), so the message is stable.
 * The checks run with the short start-up retry policy; the adapters returned keep `options.retry`.
 */
export async function connectChains(
  live: LiveConfig,
  options: EvmAdapterOptions & { startupRetry?: RetryPolicy } = {},
): Promise<ConnectedChains> {
  const checks = live.evm.map((settings) =>
    createEvmAdapter(settings, { ...options, retry: options.startupRetry ?? STARTUP_RETRY }).check(),
  )
  const results = await Promise.allSettled(checks)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return {
    evm: live.evm.map((settings) => createEvmAdapter(settings, options)),
    status: results.map((r) => (r as PromiseFulfilledResult<ChainStatus>).value),
  }
}
