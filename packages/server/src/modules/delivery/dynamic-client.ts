// The call sx makes at delivery time to a `dynamic` product's `dynamic_url`: a signed POST whose
// answer is exactly what the buyer receives. Every way it can go wrong becomes a short reason
// (shown to the merchant, used to decide on a retry), never a throw.
import { signedHeaders } from '../../platform/signing.ts'
import type { OutboundClient } from '../../platform/outbound/client.ts'
import type { AddressPolicy } from '../../platform/outbound/address-policy.ts'

const MAX_ITEM_CHARS = 4096

export type DynamicPayload = {
  order_id: string
  product_id: string
  qty: number
  customer_email: string
  livemode: boolean
}

export type DynamicCallInput = {
  url: string
  /** The product's `whsec_` signing secret. */
  secret: string
  payload: DynamicPayload
  /** `<order_id>:<line>`: the same on every retry, so the merchant can hand out the same items again. */
  idempotencyKey: string
  eventId: string
  /** Sends it, refusing addresses `policy` forbids (checked again as the connection is made). */
  client: OutboundClient
  policy: AddressPolicy
  timeoutMs?: number
  maxResponseBytes?: number
  /** Epoch milliseconds. */
  now: () => number
}

export type DynamicCallResult =
  { ok: true; items: string[]; status: number } | { ok: false; reason: string; status: number | null }

export async function callDynamicEndpoint(input: DynamicCallInput): Promise<DynamicCallResult> {
  const {
    url,
    secret,
    payload,
    idempotencyKey,
    eventId,
    client,
    policy,
    timeoutMs = 10_000,
    maxResponseBytes = 65_536,
    now,
  } = input
  // Serialised once: the signature covers exactly the bytes sent.
  const body = JSON.stringify(payload)
  const headers = {
    ...signedHeaders({
      secrets: [secret],
      id: eventId,
      timestamp: Math.floor(now() / 1000),
      body,
      eventType: 'delivery.requested',
    }),
    'content-type': 'application/json',
    'idempotency-key': idempotencyKey,
  }

  const response = await client.post({ url, headers, body, timeoutMs, maxResponseBytes, policy })
  const { status } = response
  // No answer: refused address, DNS, connection, or the timeout before headers.
  if (status === null) return { ok: false, reason: response.error ?? 'request failed', status: null }
  // A redirect is refused rather than followed: the signed request must reach only the URL the
  // merchant configured, and following could carry it to hosts nobody vetted.
  if (status < 200 || status >= 300)
    return { ok: false, reason: status >= 300 && status < 400 ? 'redirect not followed' : `HTTP ${status}`, status }
  if (response.truncated === 'limit') return { ok: false, reason: 'response too large', status }
  if (response.truncated === 'timeout') return { ok: false, reason: `timeout after ${timeoutMs} ms`, status }
  if (response.truncated === 'closed') return { ok: false, reason: 'connection closed mid-answer', status }

  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(response.body)
  } catch {
    return { ok: false, reason: 'response is not valid UTF-8', status }
  }
  const parsed = parseItems(text, [response.headers['content-type']].flat()[0] ?? null)
  if (typeof parsed === 'string') return { ok: false, reason: parsed, status }
  const items = checkItems(parsed, payload.qty)
  return typeof items === 'string' ? { ok: false, reason: items, status } : { ok: true, items, status }
}

/** Items from `{"items": [...]}` or from non-blank text lines; a string is the reason it failed. */
function parseItems(text: string, contentType: string | null): unknown[] | string {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json')
  // With no content type at all, a bare `res.end(JSON.stringify({items}))` is the likely sender:
  // taking its JSON text as one "line" would hand the buyer `{"items":[…]}` as their item.
  if (isJson || (mediaType === '' && text.trimStart().startsWith('{'))) {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return 'response is not valid JSON'
    }
    const items = (json as { items?: unknown } | null)?.items
    return typeof json === 'object' && !Array.isArray(json) && Array.isArray(items)
      ? items
      : 'JSON response has no "items" array'
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

/** Exactly `qty` non-empty strings of at most MAX_ITEM_CHARS; a string is the reason they are not. */
function checkItems(items: unknown[], qty: number): string[] | string {
  if (items.length !== qty) return `expected ${qty} item${qty === 1 ? '' : 's'}, got ${items.length}`
  const checked: string[] = []
  for (const [index, item] of items.entries()) {
    if (typeof item !== 'string') return `item ${index + 1} is not a string`
    if (item.trim() === '') return `item ${index + 1} is empty`
    if (item.length > MAX_ITEM_CHARS) return `item ${index + 1} is longer than ${MAX_ITEM_CHARS} characters`
    checked.push(item)
  }
  return checked
}
