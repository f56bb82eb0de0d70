// What the chain holds for sx: per configured chain and asset, the treasury's balance plus every
// deposit address's (swept or not), and what is on its way out (payouts and refunds signed or
// broadcast but not yet confirmed: the ledger still holds them as pending). `sx doctor` compares
// this with the ledger (src/doctor/chain-check.ts).
import type { Db } from '../../db/database.ts'
import { depositAddresses } from '../wallet/index.ts'
import type { Treasury } from './treasury.ts'
import * as repo from './transactions.repository.ts'

export type Holding = {
  chain: string
  asset: string
  decimals: number
  treasury: bigint
  deposits: bigint
  /** Payouts and refunds signed or broadcast, not yet confirmed. */
  outgoing: bigint
}

export async function chainHoldings(db: Db, treasury: Treasury): Promise<Holding[]> {
  const deposits = await depositAddresses(db, 'evm')
  const holdings: Holding[] = []
  for (const [chain, sender] of treasury.senders) {
    const byAsset = new Map<string, Holding>()
    const add = async (address: string, field: 'treasury' | 'deposits') => {
      for (const balance of await sender.adapter.balances(address)) {
        let holding = byAsset.get(balance.asset)
        if (!holding)
          byAsset.set(
            balance.asset,
            (holding = {
              chain,
              asset: balance.asset,
              decimals: balance.decimals,
              treasury: 0n,
              deposits: 0n,
              outgoing: 0n,
            }),
          )
        holding[field] += balance.baseUnits
      }
    }
    await add(treasury.wallet.treasuryAddress('evm'), 'treasury')
    for (const deposit of deposits) await add(deposit.address, 'deposits')
    for (const row of await repo.openTransactions(db, chain)) {
      const holding = byAsset.get(row.asset)
      if (holding && (row.purpose === 'payout' || row.purpose === 'refund')) holding.outgoing += BigInt(row.amount)
    }
    holdings.push(...byAsset.values())
  }
  return holdings
}
