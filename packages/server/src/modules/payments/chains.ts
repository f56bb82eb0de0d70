// Chains and assets that sx takes payment in, plus the QR payment URI for each. Pure data and
// functions: amounts live in amounts.ts, address formats in addresses.ts (re-exported here so the
// rest of the module has one place to import chain facts from).
import { formatUnits, parseUnits } from './amounts.ts'

export { formatUnits, parseUnits, quote, tolerance, SANDBOX_FIAT_RATES, SANDBOX_ASSET_RATES } from './amounts.ts'
export { isValidAddress, sandboxAddress, sandboxTxHash } from './addresses.ts'

export const CHAINS = ['tron', 'base', 'ethereum', 'bitcoin', 'solana', 'polygon', 'bsc'] as const
export type Chain = (typeof CHAINS)[number]

export type AssetInfo = {
  chain: Chain
  asset: string
  /** How many base units make one whole coin, as a power of ten (USDT on tron: 6). */
  decimals: number
  /** Pegged to USD: a payment must arrive in full, no volatility tolerance. */
  stablecoin: boolean
}

type AssetSpec = { decimals: number; stablecoin: boolean }

const stable = (decimals: number): AssetSpec => ({ decimals, stablecoin: true })
const volatile = (decimals: number): AssetSpec => ({ decimals, stablecoin: false })

// Decimals are per chain, not per symbol: USDT is 6 on tron and ethereum but 18 on bsc (BEP-20).
const ASSETS: Record<Chain, Record<string, AssetSpec>> = {
  tron: { USDT: stable(6), USDC: stable(6), TRX: volatile(6) },
  ethereum: { USDT: stable(6), USDC: stable(6), ETH: volatile(18) },
  base: { USDC: stable(6), ETH: volatile(18) },
  polygon: { USDT: stable(6), USDC: stable(6), POL: volatile(18) },
  bsc: { USDT: stable(18), USDC: stable(18), BNB: volatile(18) },
  bitcoin: { BTC: volatile(8) },
  solana: { USDC: stable(6), USDT: stable(6), SOL: volatile(9) },
}

/** The coin each chain pays its fees in; only these get amount-carrying payment URIs. */
const NATIVE_ASSET: Record<Chain, string> = {
  tron: 'TRX',
  ethereum: 'ETH',
  base: 'ETH',
  polygon: 'POL',
  bsc: 'BNB',
  bitcoin: 'BTC',
  solana: 'SOL',
}

/** EIP-155 chain ids, which EIP-681 URIs carry so a wallet pays on the right network. */
const EVM_CHAIN_IDS: Partial<Record<Chain, number>> = { ethereum: 1, base: 8453, polygon: 137, bsc: 56 }

export const DEFAULT_PAYMENT_METHOD = { chain: 'tron', asset: 'USDT' } as const satisfies {
  chain: Chain
  asset: string
}

export function isChain(value: string): value is Chain {
  return (CHAINS as readonly string[]).includes(value)
}

/** Takes plain strings so request input can be checked in one step; unknown pairs give undefined. */
export function findAsset(chain: string, asset: string): AssetInfo | undefined {
  // hasOwn, not `in` or a bare lookup: those would answer 'constructor' or '__proto__' with a prototype member.
  if (!isChain(chain) || !Object.hasOwn(ASSETS[chain], asset)) return undefined
  return { chain, asset, ...ASSETS[chain][asset]! }
}

export function assetsOf(chain: Chain): AssetInfo[] {
  return Object.entries(ASSETS[chain]).map(([asset, spec]) => ({ chain, asset, ...spec }))
}

/**
 * What a payment QR code encodes. `amount` is in whole coins ("0.00038462"), as orders show it.
 * Native coins get the wallet standard that carries the amount (BIP-21, EIP-681, Solana Pay);
 * tokens and tron get the bare address, because token URIs are read inconsistently by wallets
 * while a plain address scans everywhere.
 */
export function paymentUri(chain: Chain, asset: string, address: string, amount: string): string {
  if (asset !== NATIVE_ASSET[chain]) return address
  const { decimals } = findAsset(chain, asset)!
  const baseUnits = parseUnits(amount, decimals)
  if (baseUnits === null)
    throw new RangeError(`amount must be a plain decimal with at most ${decimals} decimals, got "${amount}"`)
  const evmChainId = EVM_CHAIN_IDS[chain]
  if (evmChainId !== undefined) return `ethereum:${address}@${evmChainId}?value=${baseUnits}`
  if (chain === 'bitcoin') return `bitcoin:${address}?amount=${wholeCoins(baseUnits, decimals)}`
  if (chain === 'solana') return `solana:${address}?amount=${wholeCoins(baseUnits, decimals)}`
  return address
}

/** Exact decimal without trailing zeros ("0.0005", "1"): the shortest form BIP-21 and Solana Pay accept. */
function wholeCoins(baseUnits: bigint, decimals: number): string {
  const [whole, fraction = ''] = formatUnits(baseUnits, decimals).split('.')
  const significant = fraction.replace(/0+$/, '')
  return significant === '' ? whole! : `${whole}.${significant}`
}
