// Webhook-style request signing, shared by outbound webhooks and dynamic-delivery calls.
// Every request carries two signatures over the same bytes: the docs page's own `X-Signature`
// scheme and the Standard Webhooks one, so a receiver can use either (or the public
// `standardwebhooks` verifier) without caring which.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const SECRET_PREFIX = 'whsec_'
const USER_AGENT = 'sx-webhook/1'

export type SignInput = {
  /** Several secrets only while one is being rotated: each gets its own signature. */
  secrets: readonly string[]
  /** The event id; receivers dedupe on it. */
  id: string
  /** Unix seconds. */
  timestamp: number
  /** The exact bytes that will be sent. */
  body: string
  eventType?: string
}

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks secret format. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64')
}

export function signedHeaders(input: SignInput): Record<string, string> {
  const { secrets, id, timestamp, body, eventType } = input
  if (secrets.length === 0) throw new Error('signedHeaders needs at least one secret')
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error('timestamp must be whole unix seconds')
  const keys = secrets.map(hmacKey)
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'x-event-id': id,
    'x-webhook-timestamp': String(timestamp),
    'x-signature': keys.map((key) => `sha256=${xSignature(key, timestamp, body)}`).join(', '),
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': keys.map((key) => `v1,${standardSignature(key, id, timestamp, body)}`).join(' '),
  }
  if (eventType !== undefined) headers['x-event-type'] = eventType
  return headers
}

/**
 * Checks an `X-Signature` header the way a receiver should: any one `sha256=` entry matching
 * (several appear during secret rotation), and the timestamp within tolerance of now, so a
 * captured request cannot be replayed later.
 */
export function verifyXSignature(
  secret: string,
  header: string,
  timestamp: string | number,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const seconds = typeof timestamp === 'number' ? timestamp : /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : NaN
  if (!Number.isSafeInteger(seconds) || Math.abs(nowSeconds - seconds) > toleranceSeconds) return false
  const expected = Buffer.from(xSignature(hmacKey(secret), seconds, body))
  return header.split(',').some((entry) => {
    const candidate = entry.trim()
    if (!candidate.startsWith('sha256=')) return false
    const given = Buffer.from(candidate.slice('sha256='.length).toLowerCase())
    // Lengths are public (always 64 hex chars); only the content must be compared in constant time.
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

/** The HMAC key is the base64-decoded part after `whsec_`, as Standard Webhooks defines it. */
function hmacKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('signing secret must start with whsec_')
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
  if (key.length === 0) throw new Error('signing secret has no key after whsec_')
  return key
}

function xSignature(key: Buffer, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')
}

function standardSignature(key: Buffer, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
}
