// The fetch the client hands openapi-fetch: it gives every POST an Idempotency-Key and retries
// what is safe to retry, reusing the same key on each try so the server runs the write once
// (API.md, "Rate limits and idempotency"). Only the standard fetch API: Node 20 and browsers.
import { parseRetryAfter } from './errors.ts'

export type FetchLike = (request: Request) => Promise<Response>

export type RetryOptions = {
  /** Retries after the first try (default 2; 0 turns retrying off). */
  max?: number
  /** First backoff when the server gives no `Retry-After`; doubles per retry (default 500 ms). */
  baseDelayMs?: number
  /** The longest wait: a `Retry-After` above it is not waited for, the answer is returned (default 30 s). */
  maxDelayMs?: number
}

const DEFAULTS: Required<RetryOptions> = { max: 2, baseDelayMs: 500, maxDelayMs: 30_000 }
/** Methods that do the same thing however often they arrive, so a lost answer may be asked again. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

export function retryOptions(retries: number | RetryOptions | undefined): Required<RetryOptions> {
  return typeof retries === 'number' ? { ...DEFAULTS, max: retries } : { ...DEFAULTS, ...retries }
}

/** A fresh key per logical request: 128 random bits, from the Web Crypto every runtime has. */
export function newIdempotencyKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  return 'sdk_' + Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

export function retryingFetch(fetch: FetchLike, options: Required<RetryOptions>): FetchLike {
  return async (original) => {
    const request = withIdempotencyKey(original)
    const keyed = request.headers.has('idempotency-key')
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= options.max
      let response: Response
      try {
        // Each try sends a clone, so the body stays readable for the next one.
        response = await fetch(last ? request : request.clone())
      } catch (error) {
        // A lost connection may have reached the server: ask again only when that cannot do it twice.
        const safe = IDEMPOTENT_METHODS.has(request.method) || keyed
        if (last || !safe || request.signal.aborted) throw error
        await sleep(backoff(options, attempt), request.signal)
        continue
      }
      const waitSeconds = parseRetryAfter(response.headers.get('retry-after'))
      if (last || !isRetryable(response.status, keyed, waitSeconds)) return response
      const delayMs = waitSeconds === undefined ? backoff(options, attempt) : waitSeconds * 1000
      if (delayMs > options.maxDelayMs) return response
      await response.body?.cancel()
      await sleep(delayMs, request.signal)
    }
  }
}

/** POSTs get a key unless the caller gave one (theirs wins: it may span their own retries). */
function withIdempotencyKey(request: Request): Request {
  if (request.method !== 'POST' || request.headers.has('idempotency-key')) return request
  const headers = new Headers(request.headers)
  headers.set('idempotency-key', newIdempotencyKey())
  return new Request(request, { headers })
}

/**
 * 429 and 503 were not carried out. A 409 with `Retry-After` on a keyed request is the same key
 * still running (an earlier try of ours whose answer was lost): its stored answer comes soon.
 */
function isRetryable(status: number, keyed: boolean, retryAfter: number | undefined): boolean {
  return status === 429 || status === 503 || (status === 409 && keyed && retryAfter !== undefined)
}

/** Exponential with jitter, so many clients refused at once do not come back at once. */
function backoff(options: Required<RetryOptions>, attempt: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt)
  return ceiling / 2 + Math.random() * (ceiling / 2)
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
