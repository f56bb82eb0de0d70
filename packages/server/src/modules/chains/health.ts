// Whether each configured chain's node answers now, for /readyz: one eth_blockNumber per chain, one
// try with a short deadline, at most once per `cacheMs` however often /readyz is asked. A chain that
// stops answering is logged once when it goes and once when it is back, not on every probe.
import type { Logger } from '../../platform/log.ts'
import type { EvmAdapter } from './evm-adapter.ts'

export type ChainProblem = Readonly<{ chain: string; reason: string }>

export type ChainHealth = Readonly<{
  /** The chains whose node does not answer now, in configuration order; empty when all do. */
  degraded(): Promise<ChainProblem[]>
}>

export type ChainHealthOptions = { deadlineMs: number; cacheMs: number; now?: () => number }

export function createChainHealth(
  chains: readonly EvmAdapter[],
  log: Pick<Logger, 'warn' | 'info'>,
  { deadlineMs, cacheMs, now = Date.now }: ChainHealthOptions,
): ChainHealth {
  const down = new Set<string>()
  let last: { at: number; result: Promise<ChainProblem[]> } | null = null

  async function probe(adapter: EvmAdapter): Promise<ChainProblem | null> {
    const { chain } = adapter
    try {
      await adapter.rpc.once('eth_blockNumber', (client) => client.getBlockNumber({ cacheTime: 0 }), deadlineMs)
      if (down.delete(chain)) log.info({ chain }, 'chain RPC answers again')
      return null
    } catch (error) {
      // The first line only: viem's later lines name the request URL, where providers put API keys.
      const e = error as { shortMessage?: string; message?: string }
      const reason = `the ${chain} node does not answer (${(e.shortMessage ?? e.message ?? String(error)).split('\n')[0]})`
      if (!down.has(chain)) {
        down.add(chain)
        log.warn({ chain, reason }, 'chain RPC unreachable')
      }
      return { chain, reason }
    }
  }

  return {
    degraded() {
      const at = now()
      if (!last || at - last.at >= cacheMs) {
        const result = Promise.all(chains.map(probe)).then((all) => all.filter((p) => p !== null))
        last = { at, result }
      }
      return last.result
    },
  }
}
