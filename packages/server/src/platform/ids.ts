// Public ids: a type prefix, `_`, then a monotonic ULID (time-ordered, so keyset cursors work).
import { randomBytes } from 'node:crypto'
import { monotonicFactory } from 'ulid'

export const ID_PREFIXES = {
  shop: 'shop',
  owner: 'own',
  apiKey: 'apik',
  session: 'ses',
  passwordReset: 'pwr',
  product: 'prod',
  coupon: 'cpn',
  stockItem: 'stk',
  stockMovement: 'sm',
  event: 'evt',
  order: 'ord',
  refund: 'rf',
  customer: 'cus',
  payout: 'po',
  webhook: 'wh',
  webhookDelivery: 'whd',
  webhookQueue: 'whq',
  job: 'job',
  mail: 'mail',
  ledgerEntry: 'le',
  chainTransaction: 'ctx',
  sweep: 'sw',
} as const

export type IdKind = keyof typeof ID_PREFIXES

// ulid's default generator asks the OS for randomness once per character; drawing from a pooled
// buffer of crypto-random bytes is the same randomness at a fraction of the cost (ids are hot:
// an order makes several). A byte / 256 picks one of ulid's 32 characters uniformly.
let pool = Buffer.alloc(0)
let offset = 0
function pooledRandom(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096)
    offset = 0
  }
  return pool[offset++]! / 256
}

const nextUlid = monotonicFactory(pooledRandom)

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid()}`
}

const ID_PATTERNS = Object.fromEntries(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`)]),
) as Record<IdKind, RegExp>

/** True when `value` looks like an id of this kind; anything else can be answered 404 without a query. */
export function isId(kind: IdKind, value: string): boolean {
  return ID_PATTERNS[kind].test(value)
}
