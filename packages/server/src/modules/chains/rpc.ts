// One EVM node's JSON-RPC, through viem, with sx's own retry policy: public providers rate-limit
// (HTTP 429, or JSON-RPC -32005 inside a 200), fail (5xx), hang and drop connections, so every call
// has a deadline and is retried with exponential backoff; errors that a retry cannot fix (a revert, a
// bad parameter, a range the provider refuses) surface at once to the caller that can act on them.
import { createPublicClient, http, type PublicClient } from 'viem'

export type RetryPolicy = Readonly<{
  /** Tries per call, the first included. */
  attempts: number
  /** Wait before the 2nd try; doubled each time, capped at maxBackoffMs. */
  backoffMs: number
  maxBackoffMs: number
  /** Deadline of one HTTP request. */
  timeoutMs: number
}>

/** What the watcher and payouts use: patient, a call may take ~20 s before it gives up. */
export const STEADY_RETRY: RetryPolicy = { attempts: 6, backoffMs: 250, maxBackoffMs: 5_000, timeoutMs: 10_000 }
/** At start a wrong URL should fail in seconds: one line, and the operator fixes the setting. */
export const STARTUP_RETRY: RetryPolicy = { attempts: 3, backoffMs: 250, maxBackoffMs: 1_000, timeoutMs: 5_000 }

export type Sleep = (ms: number) => Promise<void>
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export type EvmRpc = Readonly<{
  /** Runs `fn` against the node, retrying what is transient; `what` names the call in the final error. */
  call<T>(what: string, fn: (client: PublicClient) => Promise<T>): Promise<T>
  /** One try within `deadlineMs`, no retry (a health probe must answer quickly, not patiently). */
  once<T>(what: string, fn: (client: PublicClient) => Promise<T>, deadlineMs: number): Promise<T>
  /** Calls made and retries spent, for tests and the benchmark. */
  stats: { calls: number; retries: number }
}>

/** The node did not answer usefully within the retry policy (network, timeouts, rate limits, 5xx). */
export class RpcUnavailableError extends Error {}

export function createEvmRpc(url: string, policy: RetryPolicy = STEADY_RETRY, sleep: Sleep = realSleep): EvmRpc {
  // retryCount 0: viem's own retries would multiply ours. cacheTime 0: a watcher must see each new head.
  const client = createPublicClient({
    transport: http(url, { retryCount: 0, timeout: policy.timeoutMs }),
    cacheTime: 0,
  }) as PublicClient
  const stats = { calls: 0, retries: 0 }
  return {
    stats,
    async call(what, fn) {
      for (let attempt = 1; ; attempt++) {
        stats.calls++
        try {
          return await fn(client)
        } catch (error) {
          const transient = transientReason(error)
          if (transient === null) throw error
          if (attempt >= policy.attempts)
            throw new RpcUnavailableError(`${what}: ${transient} after ${attempt} tries`, { cause: error })
          stats.retries++
          const backoff = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1))
          await sleep(Math.max(backoff, retryAfterMs(error, policy.maxBackoffMs)))
        }
      }
    },
    async once(what, fn, deadlineMs) {
      stats.calls++
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RpcUnavailableError(`${what}: no answer within ${deadlineMs} ms`)),
          deadlineMs,
        )
      })
      try {
        return await Promise.race([fn(client), deadline])
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

type ErrorFacts = {
  status?: number
  code?: number
  name?: string
  message?: string
  headers?: Headers
  cause?: unknown
}

/** The error and its causes, outermost first (viem wraps transport errors in its own). */
function chain(error: unknown): ErrorFacts[] {
  const found: ErrorFacts[] = []
  for (let e = error; e && typeof e === 'object' && found.length < 8; e = (e as ErrorFacts).cause)
    found.push(e as ErrorFacts)
  return found
}

/** Why a retry may help (a short reason for the final message), or null when it cannot. */
export function transientReason(error: unknown): string | null {
  const facts = chain(error)
  for (const e of facts) {
    if (e.name === 'TimeoutError') return 'timed out'
    if (e.status === 429 || e.code === 429 || e.code === -32005 || e.code === -32007) return 'rate limited'
    if (typeof e.status === 'number' && e.status >= 500) return `HTTP ${e.status}`
  }
  // A range the provider refuses is not transient: the log reader splits it (logs.ts). Nor is a revert,
  // which some nodes (hardhat, erigon) report as -32603 "internal error" with the revert reason.
  if (isRangeTooLarge(error) || facts.some((e) => /revert/i.test(e.message ?? ''))) return null
  for (const e of facts) {
    if (e.code === -32603 || e.code === -1) return 'internal error'
    // fetch failed: refused, reset, DNS; viem's HttpRequestError without a status.
    if (e.name === 'HttpRequestError' && e.status === undefined) return networkReason(facts)
  }
  return null
}

function networkReason(facts: ErrorFacts[]): string {
  const code = facts.map((e) => (e as { code?: unknown }).code).find((c) => typeof c === 'string')
  return typeof code === 'string' ? `no answer (${code})` : 'no answer'
}

/** Providers refuse eth_getLogs ranges with too many blocks or results, each in its own words. */
export function isRangeTooLarge(error: unknown): boolean {
  return chain(error).some((e) =>
    /block range|range is too large|too many (blocks|results)|more than \d+ results|response size|query timeout/i.test(
      e.message ?? '',
    ),
  )
}

function retryAfterMs(error: unknown, cap: number): number {
  for (const e of chain(error)) {
    const header = e.headers?.get?.('retry-after')
    if (header && /^\d+$/.test(header)) return Math.min(cap, Number(header) * 1000)
  }
  return 0
}
