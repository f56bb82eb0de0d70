// The create-time check of a merchant URL, so a bad URL is refused with a reason when it is saved rather
// than failing every delivery later. It is advice, not the guard: DNS can change after this runs, so
// `client.ts` checks the addresses again on every new connection.
import { promises as dns } from 'node:dns'
import { isIP } from 'node:net'
import { refusalFor, type AddressPolicy } from './address-policy.ts'

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string }
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>

const MAX_URL_LENGTH = 2048
/** An unreachable resolver must not hold the request that saves the URL. */
const CREATE_TIME_LOOKUP_TIMEOUT_MS = 3000

const lookupAll: LookupAll = (hostname) => dns.lookup(hostname, { all: true, verbatim: true })

/**
 * Create-time check of a merchant URL: absolute http(s) URL (https only unless policy.allowHttp), no
 * username/password in it, length <= 2048, host present. Literal IP hosts are classified directly
 * ([::1] brackets handled). Names are resolved (dns.promises.lookup with all:true, verbatim) and EVERY
 * address must be allowed. `localhost` and names ending in `.localhost` count as loopback without asking DNS.
 * A name that does not resolve (ENOTFOUND/EAI_AGAIN/timeout) is accepted: it cannot reach anything now and
 * the connect-time check guards later. `lookup` is injectable for tests.
 */
export async function checkOutboundUrl(
  raw: string,
  policy: AddressPolicy,
  lookup: LookupAll = lookupAll,
): Promise<UrlCheck> {
  if (raw.length > MAX_URL_LENGTH) return refuse(`is longer than ${MAX_URL_LENGTH} characters`)
  const url = URL.canParse(raw) ? new URL(raw) : null
  // The WHATWG parser refuses http(s) URLs without a host, so a parsed URL of either scheme has one.
  if (url === null) return refuse('is not an absolute URL')
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    return refuse(policy.allowHttp ? 'must use http or https' : 'must use https')
  }
  if (url.username !== '' || url.password !== '') return refuse('must not contain a username or password')

  const host = hostOf(url)
  if (isIP(host) !== 0) return verdict(url, [host], policy)
  if (isLocalhostName(host)) {
    return policy.allowLoopback ? { ok: true, url } : refuse(`is a loopback host (${host})`)
  }
  const addresses = await resolveWithin(host, lookup, CREATE_TIME_LOOKUP_TIMEOUT_MS)
  return verdict(url, addresses, policy)
}

/** The URL's host as `isIP` and `dns.lookup` expect it: an IPv6 literal loses its brackets. */
export function hostOf(url: URL): string {
  const { hostname } = url
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
}

/** `localhost.` is the same name written fully qualified. */
function isLocalhostName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host
  return name === 'localhost' || name.endsWith('.localhost')
}

function verdict(url: URL, addresses: readonly string[], policy: AddressPolicy): UrlCheck {
  for (const address of addresses) {
    const reason = refusalFor(address, policy)
    if (reason !== null) return refuse(reason)
  }
  return { ok: true, url }
}

/**
 * The name's addresses, or none when it does not resolve in time. Any lookup failure counts as "does
 * not resolve": such a name reaches nothing today, and the connect-time check covers the day it does.
 */
async function resolveWithin(host: string, lookup: LookupAll, timeoutMs: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined
  const unanswered = new Promise<[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs)
  })
  try {
    const answers = await Promise.race([lookup(host), unanswered])
    return answers.map((answer) => answer.address)
  } catch {
    return []
  } finally {
    clearTimeout(timer)
  }
}

function refuse(reason: string): UrlCheck {
  return { ok: false, reason }
}
