// The live treasury: the EVM sender (nonces, signed bytes before broadcast, rebroadcast, confirm or
// fail), the live payout provider over it, sweeping deposits in, and what the chain holds.
export { createTreasury, type Treasury, type TreasuryDeps } from './treasury.ts'
export { createEvmSender, type EvmSender, type TransferOrder } from './sender.ts'
export { SWEEP_JOB, runSweep, scheduleSweeps, sweepJobHandlers, sweepOnce, type SweepRun } from './sweep.ts'
export { chainHoldings, type Holding } from './holdings.ts'
