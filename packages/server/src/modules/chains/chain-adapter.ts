// The port every chain family implements (EVM now; tron, bitcoin and solana next on the same shape):
// what sx asks of a chain regardless of how it is spoken to. Family-specific reading (EVM logs, tron
// events, bitcoin outputs) sits behind each adapter; the wallet derives the addresses (modules/wallet).
import type { Chain } from '../payments/index.ts'

export type ChainFamily = 'evm'

export type Balance = Readonly<{
  asset: string
  decimals: number
  baseUnits: bigint
  /** The token contract (or mint), null for the chain's native coin. */
  token: string | null
}>

export type ChainStatus = Readonly<{ chain: Chain; chainId: number; head: bigint }>

export interface ChainAdapter {
  readonly chain: Chain
  readonly family: ChainFamily
  /** Blocks (the payment's own included) before a payment counts (SX_CONFIRMATIONS_<CHAIN>). */
  readonly confirmations: number
  /**
   * The start check: the node answers, is the configured network, and every token is what the
   * settings say. Throws ChainConfigError, one line naming the setting to fix.
   */
  check(): Promise<ChainStatus>
  /** The newest block number, never cached. */
  head(): Promise<bigint>
  /** The native coin first, then each configured token, in base units. */
  balances(address: string): Promise<Balance[]>
}

/** A chain setting that does not match what the chain says: the message is one line naming the setting. */
export class ChainConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
    /** The node did not answer (exit 1, like an unreachable database) rather than answered wrong (exit 2). */
    readonly unreachable = false,
  ) {
    super(message.replace(/\s*\n\s*/g, ' '))
  }
}
