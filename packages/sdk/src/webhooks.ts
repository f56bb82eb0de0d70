// verifyWebhook: checks an sx webhook delivery (or a dynamic-delivery call) the way the server
// signs it (packages/server/src/platform/signing.ts, API.md "Webhooks"). Either scheme is enough:
// Standard Webhooks (`webhook-signature: v1,<base64>` over "<id>.<timestamp>.<body>") or the docs
// page's own (`X-Signature: sha256=<hex>` over "<timestamp>.<body>"). Web Crypto only, so it runs
// in Node 20 and in browsers (secure contexts) alike.
import type { paths } from './generated/openapi.ts'

/** An event as webhooks carry it: `{ id, type, created_at, data }`. */
export type WebhookEvent = paths['/v1/events/{id}']['get']['responses'][200]['content']['application/json']

export type WebhookErrorCode =
  'missing_header' | 'bad_timestamp' | 'timestamp_out_of_window' | 'bad_signature' | 'bad_body'

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError'
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>

export type VerifyWebhookInput = {
  /** The endpoint's `whsec_…` secret. */
  secret?: string
  /** During a rotation: the old and the new secret; any one signing is enough. */
  secrets?: readonly string[]
  /** The request's headers (a `Headers`, or Node's `req.headers`). */
  headers: WebhookHeaders
  /** The raw body exactly as received: re-serialised JSON no longer matches the signature. */
  body: string | Uint8Array | ArrayBuffer
  /** How far the timestamp may be from now, either way (default 300 s, as the server expects). */
  toleranceSeconds?: number
  /** Now, for tests (default the clock). */
  now?: Date
}

const SECRET_PREFIX = 'whsec_'
const encoder = new TextEncoder()

/**
 * Returns the event when a signature of either scheme matches one of the secrets and the timestamp
 * is within the window; throws a WebhookVerificationError otherwise.
 * @example
 * const event = await verifyWebhook({ secret: process.env.SX_WEBHOOK_SECRET, headers: req.headers, body: rawBody })
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<WebhookEvent> {
  const secrets = [...(input.secrets ?? []), ...(input.secret === undefined ? [] : [input.secret])]
  if (secrets.length === 0) throw new TypeError('verifyWebhook needs `secret` or `secrets`')
  const keys = await Promise.all(secrets.map(importKey))
  const body = typeof input.body === 'string' ? encoder.encode(input.body) : new Uint8Array(input.body)
  const header = (name: string) => readHeader(input.headers, name)

  // Each scheme whose headers are all present is a way in; both carry the same timestamp.
  const schemes: { timestamp: string; signed: Uint8Array<ArrayBuffer>; given: Uint8Array[] }[] = []
  const [id, timestamp, signature] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map(header)
  if (id !== undefined && timestamp !== undefined && signature !== undefined)
    schemes.push({ timestamp, signed: concat(`${id}.${timestamp}.`, body), given: standardSignatures(signature) })
  const [xTimestamp, xSignature] = ['x-webhook-timestamp', 'x-signature'].map(header)
  if (xTimestamp !== undefined && xSignature !== undefined)
    schemes.push({ timestamp: xTimestamp, signed: concat(`${xTimestamp}.`, body), given: legacySignatures(xSignature) })
  if (schemes.length === 0)
    throw new WebhookVerificationError(
      'missing_header',
      'No signature: expected webhook-id, webhook-timestamp and webhook-signature, or X-Webhook-Timestamp and X-Signature.',
    )
  for (const scheme of schemes) checkTimestamp(scheme.timestamp, input.toleranceSeconds ?? 300, input.now ?? new Date())

  for (const key of keys)
    for (const { signed, given } of schemes) {
      const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed))
      if (given.some((signature) => constantTimeEqual(signature, expected))) return parseEvent(body)
    }
  throw new WebhookVerificationError('bad_signature', 'No signature matches the body with the given secret(s).')
}

function checkTimestamp(value: string, toleranceSeconds: number, now: Date): void {
  if (!/^\d{1,15}$/.test(value))
    throw new WebhookVerificationError('bad_timestamp', `The timestamp "${value}" is not unix seconds.`)
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(value))
  if (skew > toleranceSeconds)
    throw new WebhookVerificationError(
      'timestamp_out_of_window',
      `The timestamp is ${skew} s away from now (at most ${toleranceSeconds} s): an old request replayed?`,
    )
}

/** The HMAC key is the base64-decoded part after `whsec_` (the Standard Webhooks secret format). */
function importKey(secret: string): Promise<CryptoKey> {
  if (!secret.startsWith(SECRET_PREFIX)) throw new TypeError('A webhook secret starts with whsec_')
  const raw = decodeBase64(secret.slice(SECRET_PREFIX.length))
  if (raw === undefined || raw.length === 0) throw new TypeError('A webhook secret is whsec_ and base64')
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

/** `v1,<base64> v1,<base64>`: one entry per signing secret; other versions are skipped. */
function standardSignatures(header: string): Uint8Array[] {
  return header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .flatMap((entry) => decodeBase64(entry.slice(3)) ?? [])
}

/** `sha256=<hex>, sha256=<hex>`: one entry per signing secret. */
function legacySignatures(header: string): Uint8Array[] {
  return header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => /^sha256=[0-9a-fA-F]{64}$/.test(entry))
    .map((entry) => Uint8Array.from(entry.slice(7).match(/../g)!, (pair) => parseInt(pair, 16)))
}

/** Compares every byte whatever the first difference, so timing tells nothing about the signature. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false // lengths are public: always 32 bytes for SHA-256
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

function parseEvent(body: Uint8Array): WebhookEvent {
  try {
    return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent
  } catch {
    throw new WebhookVerificationError('bad_body', 'The signed body is not JSON.')
  }
}

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
  return Array.isArray(entry) ? entry.join(', ') : entry
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
  } catch {
    return undefined
  }
}

/** The signed bytes: a text prefix, then the body exactly as it came. */
function concat(prefix: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const a = encoder.encode(prefix)
  const out = new Uint8Array(a.length + body.length)
  out.set(a)
  out.set(body, a.length)
  return out
}
