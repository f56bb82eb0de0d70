// POSTs signed bytes to a merchant URL and reports what happened without ever throwing. The receiver is
// untrusted: it may point its name at our own network after the URL was saved, never answer, or stream
// forever, so the address is checked as each connection is made and one timer bounds the whole exchange.
import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { refusalFor, type AddressPolicy } from './address-policy.ts'
import { hostOf } from './url-guard.ts'

export type OutboundRequest = {
  url: string
  headers: Record<string, string>
  /** Sent as is (the exact bytes that were signed). */
  body: string
  /** Whole exchange: connect + response headers + reading the body up to the limit. */
  timeoutMs: number
  /** Read at most this many bytes of the response body, then stop reading (the rest is never downloaded). */
  maxResponseBytes: number
  policy: AddressPolicy
}

export type OutboundResult = {
  /** HTTP status, or null when no response arrived (refused address, DNS, connect, timeout before headers). */
  status: number | null
  /**
   * Why it failed at the transport level (null when a response arrived): 'timeout after 10000 ms',
   * 'connection refused', 'host not found', 'refused: resolves to a loopback address (127.0.0.1)', ...
   */
  error: string | null
  /** Response body bytes read (up to maxResponseBytes). */
  body: Buffer
  /** Why the body read stopped early: past maxResponseBytes, the timeout, or the receiver hanging up; false when read whole. */
  truncated: false | 'limit' | 'timeout' | 'closed'
  durationMs: number
  /** Response headers (lower-case names) when a response arrived. */
  headers: Record<string, string | string[] | undefined>
}

export type OutboundClient = { post(request: OutboundRequest): Promise<OutboundResult>; close(): void }

const DEFAULT_MAX_SOCKETS_PER_HOST = 8
/** Below Node's 5 s server keep-alive, so an idle socket is dropped before the receiver closes it under us. */
const IDLE_SOCKET_TIMEOUT_MS = 4000
const REFUSED_ADDRESS = 'ERR_SX_REFUSED_ADDRESS'

type Agents = { http: http.Agent; https: https.Agent }
type Outcome = Omit<OutboundResult, 'durationMs'>

/**
 * Keep-alive agents (one http, one https), maxSockets per host bounded by the option. Never follows
 * redirects (a 3xx is just a status).
 */
export function createOutboundClient(options: { maxSocketsPerHost?: number } = {}): OutboundClient {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSocketsPerHost ?? DEFAULT_MAX_SOCKETS_PER_HOST,
    timeout: IDLE_SOCKET_TIMEOUT_MS,
  }
  // A pooled socket was address-checked under the policy of the request that opened it; keeping one
  // pool per policy means a stricter request never reuses a socket a looser one was allowed to open.
  const agentsByPolicy = new Map<string, Agents>()
  const agentsFor = (policy: AddressPolicy): Agents => {
    const key = `${policy.allowLoopback}:${policy.allowPrivate}`
    let agents = agentsByPolicy.get(key)
    if (agents === undefined) {
      agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) }
      agentsByPolicy.set(key, agents)
    }
    return agents
  }
  return {
    post: (request) => post(request, agentsFor(request.policy)),
    close() {
      for (const agents of agentsByPolicy.values()) {
        agents.http.destroy()
        agents.https.destroy()
      }
      agentsByPolicy.clear()
    },
  }
}

async function post(request: OutboundRequest, agents: Agents): Promise<OutboundResult> {
  const startedAt = performance.now()
  const outcome = await exchange(request, agents)
  return { ...outcome, durationMs: Math.round(performance.now() - startedAt) }
}

function exchange(request: OutboundRequest, agents: Agents): Promise<Outcome> {
  const { policy, timeoutMs, maxResponseBytes } = request
  const url = URL.canParse(request.url) ? new URL(request.url) : null
  if (url === null) return Promise.resolve(failure('invalid URL'))
  const isHttps = url.protocol === 'https:'
  if (!isHttps && !(url.protocol === 'http:' && policy.allowHttp)) {
    return Promise.resolve(failure(`refused: ${url.protocol} URLs are not allowed`))
  }
  // Node connects to a literal IP without calling `lookup`, so the guard there never sees it.
  const host = hostOf(url)
  const literalRefusal = isIP(host) === 0 ? null : refusalFor(host, policy)
  if (literalRefusal !== null) return Promise.resolve(failure(`refused: ${literalRefusal}`))

  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined
    let response: http.IncomingMessage | undefined
    const chunks: Buffer[] = []
    let bytesRead = 0
    let isSettled = false
    const settle = (outcome: Outcome) => {
      if (isSettled) return
      isSettled = true
      clearTimeout(timer)
      resolve(outcome)
    }
    const answered = (arrived: http.IncomingMessage, truncated: Outcome['truncated']): Outcome => ({
      status: arrived.statusCode ?? null,
      error: null,
      body: Buffer.concat(chunks, bytesRead),
      truncated,
      headers: arrived.headers,
    })

    let outgoing: http.ClientRequest
    try {
      outgoing = (isHttps ? https : http).request(url, {
        method: 'POST',
        agent: isHttps ? agents.https : agents.http,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: guardedLookup(policy),
      })
    } catch (error) {
      // Node validates header names and values synchronously.
      return settle(failure(`invalid request: ${(error as Error).message}`))
    }

    // Destroying (not aborting politely) frees the socket at once and keeps it out of the pool.
    timer = setTimeout(() => {
      settle(response ? answered(response, 'timeout') : failure(`timeout after ${timeoutMs} ms`))
      response?.destroy()
      outgoing.destroy()
    }, timeoutMs)

    outgoing.on('response', (arrived) => {
      response = arrived
      arrived.on('data', (chunk: Buffer) => {
        const room = maxResponseBytes - bytesRead
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room))
          bytesRead += room
          settle(answered(arrived, 'limit'))
          arrived.destroy()
          return
        }
        chunks.push(chunk)
        bytesRead += chunk.length
      })
      arrived.on('end', () => settle(answered(arrived, false)))
      // The receiver hung up mid-body: the status still decides, the body is what we got.
      arrived.on('error', () => settle(answered(arrived, 'closed')))
    })
    outgoing.on('error', (error) => settle(failure(describeTransportError(error))))
    outgoing.end(request.body)
  })
}

/**
 * `dns.lookup` that refuses when any address of the name is not allowed, so a name re-pointed at our
 * network after its URL was saved (DNS rebinding) fails before a connection is made. Node asks for all
 * addresses when it races IPv4 and IPv6 (autoSelectFamily) and for one otherwise.
 */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '')
      const refusal = addresses.map(({ address }) => refusalFor(address, policy)).find((reason) => reason !== null)
      if (refusal !== undefined) return callback(codedError(refusal, REFUSED_ADDRESS), '')
      const first = addresses[0]
      if (first === undefined) return callback(codedError(`no address for ${hostname}`, 'ENOTFOUND'), '')
      if (options.all) return callback(null, addresses)
      callback(null, first.address, first.family)
    })
  }
}

const TRANSPORT_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
}

function codedError(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code })
}

/** Node gives the code of the first failure to the AggregateError it raises when every address of a name fails. */
function describeTransportError(error: NodeJS.ErrnoException): string {
  const { code, message } = error
  if (code === REFUSED_ADDRESS) return `refused: ${message}`
  if (code !== undefined && Object.hasOwn(TRANSPORT_ERRORS, code)) return TRANSPORT_ERRORS[code] ?? code
  if (code !== undefined && /CERT|^ERR_TLS_|^ERR_SSL_|^EPROTO$/.test(code)) return `TLS error: ${message.trim()}`
  return message || code || 'request failed'
}

function failure(error: string): Outcome {
  return { status: null, error, body: Buffer.alloc(0), truncated: false, headers: {} }
}
