// Formatting shared by the order page and the emails. Output is plain text; callers escape it.
import type { DeliveredItem } from './view.ts'

/** 2500, 'usd' → "$25.00"; respects currencies without minor units (JPY) and survives unknown codes. */
export function formatMoney(cents: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() })
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2
    return format.format(cents / 10 ** digits)
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`
  }
}

// Emails and server-rendered pages cannot know the buyer's time zone, so dates say UTC out loud.
const DATE_TIME = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
const SHORT_DATE_TIME = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
})
const DATE_ONLY = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' })

/** "Dec 12, 2026, 2:32 PM UTC"; the input unchanged if it is not a date. */
export function formatDateTime(iso: string): string {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? iso : `${DATE_TIME.format(time)} UTC`
}

/** "Dec 12, 2:32 PM UTC", for deadlines that are hours away, not years. */
export function formatShortDateTime(iso: string): string {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? iso : `${SHORT_DATE_TIME.format(time)} UTC`
}

/** "Dec 12, 2026"; the input unchanged if it is not a date. */
export function formatDate(iso: string): string {
  const time = Date.parse(iso)
  return Number.isNaN(time) ? iso : DATE_ONLY.format(time)
}

const NETWORK_NAMES: Record<string, string> = {
  tron: 'Tron',
  ethereum: 'Ethereum',
  eth: 'Ethereum',
  bitcoin: 'Bitcoin',
  btc: 'Bitcoin',
  litecoin: 'Litecoin',
  ltc: 'Litecoin',
  bsc: 'BNB Smart Chain',
  polygon: 'Polygon',
  solana: 'Solana',
  base: 'Base',
  arbitrum: 'Arbitrum One',
  optimism: 'Optimism',
  ton: 'TON',
}

/** 'tron' → "Tron"; unknown chain ids are shown title-cased rather than hidden. */
export function networkName(chain: string): string {
  const known = NETWORK_NAMES[chain.toLowerCase()]
  if (known) return known
  return chain.replace(/[-_]+/g, ' ').replace(/\b\w/g, (letter) => letter.toUpperCase())
}

/** "USDT on Tron" — buyers lose funds sent on the wrong network, so the two always travel together. */
export function assetOnNetwork(asset: string, chain: string): string {
  return `${asset.toUpperCase()} on ${networkName(chain)}`
}

/** 1781 → "29:41", 3723 → "1:02:03". Mirrored by the page script so the first paint matches the ticking. */
export function formatCountdown(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds))
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  const rest = String(seconds % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`
}

/** Seconds from `nowIso` to `untilIso` (negative once past), or null when either is not a date. */
export function secondsBetween(nowIso: string, untilIso: string): number | null {
  const now = Date.parse(nowIso)
  const until = Date.parse(untilIso)
  return Number.isNaN(now) || Number.isNaN(until) ? null : Math.floor((until - now) / 1000)
}

/** Asset amounts arrive as decimal strings ("0.000000"); anything unparsable counts as nothing. */
export function isPositiveAmount(amount: string): boolean {
  const value = Number(amount)
  return Number.isFinite(value) && value > 0
}

const ITEM_KIND_LABELS: Record<DeliveredItem['kind'], string> = {
  license_key: 'License key',
  account: 'Account',
  file_download: 'Download',
  dynamic: 'Your item',
  physical: 'Shipment',
  subscription: 'Subscription',
}

/** 'license_key' → "License key". */
export function itemKindLabel(kind: DeliveredItem['kind']): string {
  return ITEM_KIND_LABELS[kind]
}
