// The third check of `sx doctor`, when live chains are configured: does the chain hold what the
// ledger says sx owes? Live balances (available + pending, every shop) in USD are owed in the
// stablecoins sx takes 1:1 (USDT, USDC); the chain holds them in the treasury and on deposit
// addresses not yet swept, plus what is on its way out (a payout broadcast but not confirmed is
// still pending in the ledger). Less on chain than owed is a shortfall (exit 1). Balances in other
// currencies and volatile coins need a rate to compare and are listed as not compared.
import type { Db } from '../db/database.ts'
import { balanceFigures } from '../modules/ledger/index.ts'
import { findAsset, type Chain } from '../modules/payments/index.ts'
import { chainHoldings, type Holding, type Treasury } from '../modules/treasury/index.ts'

export type ChainReport = {
  /** Live USD owed to shops, in cents. */
  owedCents: number
  /** Stablecoins held (treasury + deposits + outgoing), in cents, rounded down. */
  heldCents: number
  shortfallCents: number
  holdings: Holding[]
  /** Live balances in other currencies (not compared without a rate). */
  notCompared: string[]
}

export async function checkChain(db: Db, treasury: Treasury): Promise<ChainReport> {
  const figures = (await balanceFigures(db)).filter((f) => f.livemode)
  const owedCents = figures.filter((f) => f.currency === 'USD').reduce((sum, f) => sum + f.available + f.pending, 0)
  const notCompared = [...new Set(figures.filter((f) => f.currency !== 'USD').map((f) => f.currency))]
  const holdings = await chainHoldings(db, treasury)
  let held = 0n
  for (const h of holdings) {
    if (!findAsset(h.chain as Chain, h.asset)?.stablecoin) continue
    held += (h.treasury + h.deposits + h.outgoing) / 10n ** BigInt(h.decimals - 2)
  }
  const heldCents = Number(held)
  return { owedCents, heldCents, shortfallCents: Math.max(0, owedCents - heldCents), holdings, notCompared }
}

export function chainLines(report: ChainReport): { lines: string[]; ok: boolean } {
  const usd = (cents: number) => `${(cents / 100).toFixed(2)} USD`
  const lines =
    report.shortfallCents > 0
      ? [
          `chain shortfall: the ledger owes shops ${usd(report.owedCents)} (live), the chain holds ${usd(report.heldCents)} in stablecoins (treasury, unswept deposits, outgoing): ${usd(report.shortfallCents)} missing`,
        ]
      : [
          `chain ok: ${usd(report.heldCents)} in stablecoins on chain cover the ${usd(report.owedCents)} the ledger owes shops (live)`,
        ]
  for (const h of report.holdings)
    lines.push(
      `  ${h.chain} ${h.asset}: treasury ${h.treasury}, deposits ${h.deposits}, outgoing ${h.outgoing} (base units, ${h.decimals} decimals)`,
    )
  if (report.notCompared.length > 0)
    lines.push(`  not compared (no rate): live balances in ${report.notCompared.join(', ')}`)
  return { lines, ok: report.shortfallCents === 0 }
}
