// Prices for quoting live invoices in assets that are not 1:1 with the order's currency: RATES_URL
// answers `GET RATES_URL?currency=USD` → {"data":{"currency":"USD","rates":{"ETH":"0.0004",…}}}
// (units of each asset per one unit of the currency). A rate is never used once it is older than
// MAX_RATE_AGE_MS: the order is refused (503) rather than quoted on a stale price.
// `cached` answers from memory only (inside the order's transaction: no network call there);
// `fetch` asks the source, outside any transaction.

/** A rate older than this is never used (API.md "Live payments"). */
export const MAX_RATE_AGE_MS = 5 * 60_000
/** A cached answer younger than this is used without asking again. */
const FRESH_MS = 60_000
const DEADLINE_MS = 5_000

export type Rate = Readonly<{ currency: string; asset: string; rate: string; at: number }>

export interface RateSource {
  /** The rate from memory if it is younger than FRESH_MS, else null (the caller fetches outside its transaction). */
  cached(currency: string, asset: string, now: number): Rate | null
  /** Asks the source (or memory, while fresh); null when it cannot answer with a rate younger than MAX_RATE_AGE_MS. */
  fetch(currency: string, asset: string, now: number): Promise<Rate | null>
}

type Table = { at: number; rates: Record<string, string> }

export function createHttpRateSource(url: string, fetchImpl: typeof fetch = fetch): RateSource {
  const tables = new Map<string, Table>()
  const inFlight = new Map<string, Promise<Table | null>>()
  const pick = (table: Table | undefined, currency: string, asset: string, now: number, maxAge: number) => {
    if (!table || now - table.at > maxAge) return null
    const rate = Object.hasOwn(table.rates, asset) ? table.rates[asset] : undefined
    return rate !== undefined && parseRate(rate) ? { currency, asset, rate, at: table.at } : null
  }
  const load = (currency: string, now: number): Promise<Table | null> => {
    let pending = inFlight.get(currency)
    if (!pending) {
      pending = readTable(fetchImpl, url, currency, now)
        .then((table) => {
          if (table) tables.set(currency, table)
          return table
        })
        .finally(() => inFlight.delete(currency))
      inFlight.set(currency, pending)
    }
    return pending
  }
  return {
    cached: (currency, asset, now) => pick(tables.get(currency), currency, asset, now, FRESH_MS),
    async fetch(currency, asset, now) {
      const fresh = pick(tables.get(currency), currency, asset, now, FRESH_MS)
      if (fresh) return fresh
      await load(currency, now)
      // A failed refresh falls back to the last table only while it is within MAX_RATE_AGE_MS.
      return pick(tables.get(currency), currency, asset, now, MAX_RATE_AGE_MS)
    },
  }
}

async function readTable(fetchImpl: typeof fetch, url: string, currency: string, now: number): Promise<Table | null> {
  try {
    const target = new URL(url)
    target.searchParams.set('currency', currency)
    const response = await fetchImpl(target, { signal: AbortSignal.timeout(DEADLINE_MS) })
    if (!response.ok) return null
    const body = (await response.json()) as { data?: { currency?: unknown; rates?: unknown } }
    const rates = body.data?.rates
    if (body.data?.currency !== currency || typeof rates !== 'object' || rates === null) return null
    return { at: now, rates: rates as Record<string, string> }
  } catch {
    return null
  }
}

/** "0.0004" → 4/10000 as integers; null for anything but a positive plain decimal. */
export function parseRate(text: unknown): { numerator: bigint; denominator: bigint } | null {
  if (typeof text !== 'string') return null
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (!match) return null
  const fraction = match[2] ?? ''
  const numerator = BigInt(match[1]! + fraction)
  if (numerator === 0n) return null
  return { numerator, denominator: 10n ** BigInt(fraction.length) }
}

/** A price in cents at `rate` units per currency unit → base units, rounded up (the merchant never gets less). */
export function quoteAtRate(priceCents: number, rate: string, decimals: number): bigint {
  const { numerator, denominator } = parseRate(rate)!
  const top = BigInt(priceCents) * numerator * 10n ** BigInt(decimals)
  const bottom = 100n * denominator
  return (top + bottom - 1n) / bottom
}
