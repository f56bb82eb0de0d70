// Crypto amounts as bigint base units (satoshi, wei, sun…), never floats: a float cannot hold
// 0.1 ETH in wei exactly, and a payment that is one unit short must not be rounded into "paid".
import type { AssetInfo } from './chains.ts'

/**
 * SANDBOX rates in micro-USD (USD × 1,000,000) per unit: fixed so test-mode quotes are
 * reproducible, and integers so converting needs no floating point. Not market prices; a live
 * provider quotes with its own rates.
 */
export const SANDBOX_FIAT_RATES: Readonly<Record<string, bigint>> = {
  USD: 1_000_000n,
  EUR: 1_080_000n,
  GBP: 1_270_000n,
}

/** SANDBOX rates in micro-USD per whole coin (see SANDBOX_FIAT_RATES). */
export const SANDBOX_ASSET_RATES: Readonly<Record<string, bigint>> = {
  USDT: 1_000_000n,
  USDC: 1_000_000n,
  BTC: 65_000_000_000n,
  ETH: 3_000_000_000n,
  SOL: 150_000_000n,
  TRX: 250_000n,
  POL: 500_000n,
  BNB: 600_000_000n,
}

/** Volatile assets may arrive up to 0.5% short (rate moves between quote and send); in per mille. */
const VOLATILE_TOLERANCE_PER_MILLE = 5n

/**
 * "25", "25.5" or "25.000000" in whole coins → base units. Null for anything else: negatives,
 * signs, exponents, whitespace, "25." or ".5", and more fraction digits than the asset has
 * (which would silently drop value).
 */
export function parseUnits(text: string, decimals: number): bigint | null {
  assertDecimals(decimals)
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (match === null) return null
  const [, whole, fraction = ''] = match
  if (fraction.length > decimals) return null
  return BigInt(whole! + fraction.padEnd(decimals, '0'))
}

/** Base units → whole coins with every fraction digit kept ("25.000000"): payment amounts are shown exactly. */
export function formatUnits(value: bigint, decimals: number): string {
  assertDecimals(decimals)
  const sign = value < 0n ? '-' : ''
  const digits = (value < 0n ? -value : value).toString().padStart(decimals + 1, '0')
  if (decimals === 0) return sign + digits
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`
}

/**
 * A fiat price in cents → base units of `asset` at the SANDBOX rates, rounded UP to the asset's
 * smallest unit so the merchant never receives less than the price. Null when the currency or
 * asset has no sandbox rate.
 */
export function quote(priceCents: number, currency: string, asset: AssetInfo): bigint | null {
  if (!Number.isSafeInteger(priceCents) || priceCents < 0) {
    throw new RangeError(`priceCents must be a non-negative integer, got ${priceCents}`)
  }
  const fiatRate = rateOf(SANDBOX_FIAT_RATES, currency.toUpperCase())
  const assetRate = rateOf(SANDBOX_ASSET_RATES, asset.asset)
  if (fiatRate === undefined || assetRate === undefined) return null
  // cents × (µUSD per fiat unit) × 10^decimals / (100 cents × µUSD per coin), all in integers.
  const numerator = BigInt(priceCents) * fiatRate * 10n ** BigInt(asset.decimals)
  const denominator = 100n * assetRate
  return ceilDiv(numerator, denominator)
}

/** How far short of `due` a payment may be and still count as paid: 0 for stablecoins, 0.5% (rounded down) otherwise. */
export function tolerance(asset: AssetInfo, due: bigint): bigint {
  if (asset.stablecoin) return 0n
  return (due * VOLATILE_TOLERANCE_PER_MILLE) / 1000n
}

function rateOf(rates: Readonly<Record<string, bigint>>, code: string): bigint | undefined {
  // hasOwn: a bare lookup would answer 'constructor' with a prototype member.
  return Object.hasOwn(rates, code) ? rates[code] : undefined
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator
}

function assertDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0)
    throw new RangeError(`decimals must be a non-negative integer, got ${decimals}`)
}
