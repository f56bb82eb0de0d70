// What `sx wallet` shows: the treasury address of each configured chain and what it holds there
// (native coin and tokens), plus how many deposit addresses were handed out. Never the phrase or a key.
import type { ChainAdapter, ChainStatus } from '../chains/index.ts'
import { formatUnits } from '../payments/index.ts'
import type { Wallet } from './wallet.service.ts'

export type WalletReport = {
  source: Wallet['source']
  treasury: { evm: string }
  deposit_addresses_issued: Record<string, number>
  chains: {
    chain: string
    chain_id: number
    head: string
    confirmations: number
    treasury: string
    balances: { asset: string; amount: string; base_units: string; token: string | null }[]
  }[]
}

export async function walletReport(
  wallet: Wallet,
  chains: readonly { adapter: ChainAdapter; status: ChainStatus }[],
  issued: Record<string, number>,
): Promise<WalletReport> {
  return {
    source: wallet.source,
    treasury: { evm: wallet.treasuryAddress('evm') },
    deposit_addresses_issued: { evm: issued.evm ?? 0 },
    chains: await Promise.all(
      chains.map(async ({ adapter, status }) => {
        const treasury = wallet.treasuryAddress(adapter.family)
        return {
          chain: adapter.chain,
          chain_id: status.chainId,
          head: status.head.toString(),
          confirmations: adapter.confirmations,
          treasury,
          balances: (await adapter.balances(treasury)).map((b) => ({
            asset: b.asset,
            amount: formatUnits(b.baseUnits, b.decimals),
            base_units: b.baseUnits.toString(),
            token: b.token,
          })),
        }
      }),
    ),
  }
}

/** The same for a terminal: one line per chain and balance. */
export function walletReportLines(report: WalletReport): string[] {
  const lines = [`Wallet (${report.source}); EVM treasury ${report.treasury.evm}`]
  lines.push(`Deposit addresses handed out: ${report.deposit_addresses_issued.evm} (evm)`)
  if (report.chains.length === 0) lines.push('No chain is configured (set SX_RPC_<CHAIN>).')
  for (const chain of report.chains) {
    lines.push(`${chain.chain} (chain id ${chain.chain_id}, block ${chain.head}): treasury ${chain.treasury}`)
    for (const b of chain.balances) lines.push(`  ${b.asset.padEnd(5)} ${b.amount}`)
  }
  return lines
}
