// Sweeping: received money ends up in the treasury, so payouts and refunds can spend it. One job
// per configured chain (`treasury.sweep`, ref = the chain) runs every SX_SWEEP_INTERVAL_SECONDS and
// takes every deposit address the watcher saw funded (counted money) in one batch:
//   - an address whose order still waits for money is left alone (the money is not settled yet);
//   - an address with tokens but too little gas first gets a gas top-up from the treasury, and is
//     swept on a later run once the top-up is confirmed;
//   - then each token goes to the treasury, signed by the deposit address's own key; an invoice
//     paid in the native coin has that coin go, less its transfer's gas (what a top-up leaves on a
//     token deposit stays: it pays for the next sweep).
// Every sweep and top-up is a sender transaction (recorded before broadcast, one per reference),
// so `sx doctor` sees the money either on the deposit address or in the treasury, never twice.
import { getAddress } from 'viem'
import type { Services } from '../../services.ts'
import { newId } from '../../platform/ids.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import type { JobKind } from '../../platform/jobs/kinds.ts'
import type { JobHandlers, JobOutcome } from '../../platform/jobs/runner.ts'
import { addressesAwaitingPayment } from '../orders/index.ts'
import type { Chain } from '../payments/index.ts'
import { fundedDeposits } from '../watcher/index.ts'
import { NATIVE_GAS, TOKEN_GAS, type EvmSender } from './sender.ts'
import * as repo from './transactions.repository.ts'

/** Job kind: ref = chain; sweep its deposit addresses into the treasury, then reschedule. */
export const SWEEP_JOB = 'treasury.sweep' satisfies JobKind

type Deps = Pick<Services, 'config' | 'db' | 'clock' | 'treasury'>

export function sweepJobHandlers(services: Deps): JobHandlers<typeof SWEEP_JOB> {
  return { [SWEEP_JOB]: (job) => runSweep(services, job.ref as Chain) }
}

/** Makes each configured chain's sweep due now (a starting worker sweeps at once); each then keeps itself scheduled. */
export async function scheduleSweeps(services: Deps): Promise<void> {
  for (const chain of services.treasury?.senders.keys() ?? [])
    await enqueue(services.db, { kind: SWEEP_JOB, ref: chain, runAt: services.clock.now() })
}

export type SweepRun = { topUps: number; sweeps: number; open: number }

export async function runSweep(services: Deps, chain: Chain): Promise<JobOutcome> {
  const sender = services.treasury?.senders.get(chain)
  if (!sender) return
  const run = await sweepOnce(services, sender)
  const now = services.clock.now()
  // Transactions of its own on their way: look again soon (a top-up confirmed lets the token go).
  const busy = run.open > 0 || run.topUps > 0 || run.sweeps > 0
  return { retryAt: now + (busy ? services.config.payouts.pollMs : services.config.treasury.sweepIntervalMs) }
}

export async function sweepOnce(services: Pick<Deps, 'db' | 'treasury'>, sender: EvmSender): Promise<SweepRun> {
  const { db } = services
  const { adapter } = sender
  const wallet = services.treasury!.wallet
  const treasury = wallet.treasuryAddress('evm')
  let open = 0
  const busy = new Set<string>()
  for (const row of await repo.openTransactions(db, adapter.chain)) {
    if (row.purpose !== 'sweep' && row.purpose !== 'gas') continue
    const now = await sender.follow(row)
    if (now.status === 'signed' || now.status === 'broadcast') {
      open++
      busy.add(now.from_address).add(now.to_address)
    }
  }
  // The watcher's record of which deposits received counted money: only those are read on chain.
  const deposits = (await fundedDeposits(db, adapter.chain)).map((d) => ({
    index: d.address_index,
    address: getAddress(d.address),
    // Invoiced in the native coin: that coin is the payment. Elsewhere it is what a gas top-up left.
    native: d.token === null,
  }))
  const waiting = await addressesAwaitingPayment(
    db,
    adapter.chain,
    deposits.map((d) => d.address),
  )
  const fee = await sender.fees()
  const run: SweepRun = { topUps: 0, sweeps: 0, open }
  for (const deposit of deposits) {
    if (waiting.has(deposit.address) || busy.has(deposit.address)) continue
    const [native, ...tokens] = await adapter.balances(deposit.address)
    const held = tokens.filter((t) => t.baseUnits > 0n)
    if (held.length > 0) {
      const gas = TOKEN_GAS * fee.maxFeePerGas * BigInt(held.length)
      if (native!.baseUnits < gas) {
        // Twice the need: a base fee that rises before the sweep is signed still leaves enough.
        const topUp = await sender.submit({
          reference: newId('sweep'),
          purpose: 'gas',
          fromIndex: 0,
          to: deposit.address,
          asset: adapter.nativeAsset,
          amount: gas * 2n - native!.baseUnits,
        })
        if (!topUp.ok) throw new Error(`gas top-up of ${deposit.address} on ${adapter.chain}: ${topUp.reason}`)
        run.topUps++
        continue
      }
      for (const token of held) {
        const swept = await sender.submit({
          reference: newId('sweep'),
          purpose: 'sweep',
          fromIndex: deposit.index,
          to: treasury,
          asset: token.asset,
          amount: token.baseUnits,
        })
        if (!swept.ok) throw new Error(`sweep of ${deposit.address} on ${adapter.chain}: ${swept.reason}`)
        run.sweeps++
      }
      continue
    }
    const transferFee = NATIVE_GAS * fee.maxFeePerGas
    if (deposit.native && native!.baseUnits > transferFee * 10n) {
      const swept = await sender.submit({
        reference: newId('sweep'),
        purpose: 'sweep',
        fromIndex: deposit.index,
        to: treasury,
        asset: adapter.nativeAsset,
        // What is left covers the fee at up to twice today's fee caps.
        amount: native!.baseUnits - transferFee * 2n,
      })
      if (!swept.ok) throw new Error(`sweep of ${deposit.address} on ${adapter.chain}: ${swept.reason}`)
      run.sweeps++
    }
  }
  return run
}
