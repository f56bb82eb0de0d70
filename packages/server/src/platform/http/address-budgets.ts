// Per-address budgets for requests that hold no valid credential — /v1 requests without a usable
// API key, buyer pages — so that a flood from one address costs one counter per request while it
// is within budget, and nothing but a Map lookup once it is over. Counting is @fastify/rate-limit's
// (its Redis store shares the counts across instances when REDIS_URL is set); each process also
// remembers which addresses went over, until their window ends, to refuse them without asking.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'

export type AddressBudget = {
  /** Seconds until this address may try again when this process knows it is over budget, else 0. No I/O. */
  blockedFor(request: FastifyRequest): number
  /** Counts one request from the address: 0 while within budget, else the seconds to wait. Throws when the store fails. */
  spend(request: FastifyRequest): Promise<number>
}

type Limiter = (request: FastifyRequest) => Promise<{ ttlInSeconds: number; isExceeded: boolean }>

/** Addresses remembered as over budget, per budget and process; the oldest are forgotten first beyond this. */
const MAX_BLOCKED = 100_000

/** Needs @fastify/rate-limit registered on `app` first (registerRateLimits does it). */
export function createAddressBudget(
  app: FastifyInstance,
  name: string,
  max: number,
  windowSeconds: number,
): AddressBudget {
  const limiter = app.createRateLimit({
    max,
    timeWindow: windowSeconds * 1000,
    keyGenerator: (request) => `addr:${name}:${addressKey(request.ip)}`,
  }) as Limiter
  const blockedUntil = new Map<string, number>()
  return {
    blockedFor(request) {
      if (blockedUntil.size === 0) return 0
      const key = addressKey(request.ip)
      const until = blockedUntil.get(key)
      if (until === undefined) return 0
      const left = until - Date.now()
      if (left > 0) return Math.ceil(left / 1000)
      blockedUntil.delete(key)
      return 0
    },
    async spend(request) {
      const state = await limiter(request)
      if (!state.isExceeded) return 0
      const seconds = Math.max(1, state.ttlInSeconds)
      const key = addressKey(request.ip)
      blockedUntil.delete(key)
      if (blockedUntil.size >= MAX_BLOCKED) blockedUntil.delete(blockedUntil.keys().next().value!)
      blockedUntil.set(key, Date.now() + seconds * 1000)
      return seconds
    },
  }
}

/** The 429 for an address over one of these budgets; the connection is closed, as for a 401. */
export function overAddressBudget(what: string, seconds: number): AppError {
  return new AppError('rate_limited', `Too many ${what} from this address; retry in ${seconds} s.`, {
    headers: { 'retry-after': String(seconds), connection: 'close' },
  })
}

/**
 * What one budget counts: an IPv4 address, or the /64 of an IPv6 one (the block a single
 * subscriber usually holds, so rotating within it does not buy new budgets). IPv4-mapped IPv6
 * counts as the IPv4 address.
 */
export function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip
  const bare = ip.split('%')[0]!.toLowerCase()
  if (bare.startsWith('::ffff:') && bare.includes('.')) return bare.slice('::ffff:'.length)
  const [head = '', tail] = bare.split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail ? tail.split(':') : []
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups]
  return `${groups
    .slice(0, 4)
    .map((group) => (parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`
}
