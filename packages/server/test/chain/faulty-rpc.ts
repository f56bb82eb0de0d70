// A loopback JSON-RPC proxy in front of the local node that misbehaves on demand, as public RPC
// providers do: HTTP 500s, 429 rate limits (with Retry-After), JSON-RPC errors, log ranges refused as
// too large, answers that never come, and connections cut mid-request. Each call is decided by
// `fault(call)`; the proxy counts what it was asked and what it did, so tests assert exact retries.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Fault =
  | 'pass'
  /** HTTP 500, empty body. */
  | 'http-500'
  /** HTTP 429 with `Retry-After: 0`, as rate-limited providers answer. */
  | 'rate-limit'
  /** HTTP 200 with a JSON-RPC error -32005 "limit exceeded" (how some providers rate-limit). */
  | 'rpc-limit'
  /** HTTP 200 with a JSON-RPC error saying the log range is too large (eth_getLogs caps). */
  | 'range-too-large'
  /** The request is read and never answered (until the proxy closes). */
  | 'hang'
  /** The socket is destroyed without an answer. */
  | 'drop'

export type RpcCall = { method: string; params: unknown; /** 1-based, across all methods. */ n: number }

export type FaultyRpc = {
  url: string
  /** Decides each call; replace it at any time (default: everything passes). */
  fault: (call: RpcCall) => Fault
  /** Every call in arrival order, with what the proxy did. */
  log: { method: string; params: unknown; fault: Fault }[]
  count(method: string, fault?: Fault): number
  /** Ends hanging answers and stops listening. */
  close(): Promise<void>
}

/** Fails every other call of `methods` with `fault`, starting with the first: half of them fail. */
export function everyOther(fault: Fault, methods?: string[]): (call: RpcCall) => Fault {
  let seen = 0
  return (call) => {
    if (methods && !methods.includes(call.method)) return 'pass'
    return seen++ % 2 === 0 ? fault : 'pass'
  }
}

export async function startFaultyRpc(upstream: string): Promise<FaultyRpc> {
  const hanging = new Set<ServerResponse>()
  let n = 0
  const proxy: FaultyRpc = {
    url: '',
    fault: () => 'pass',
    log: [],
    count: (method, fault) => proxy.log.filter((c) => c.method === method && (!fault || c.fault === fault)).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.socket?.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  const server = createServer(async (req, res) => {
    const body = await readBody(req)
    let call: { id?: unknown; method?: string; params?: unknown }
    try {
      call = JSON.parse(body)
    } catch {
      res.writeHead(400).end()
      return
    }
    // Batches are passed through whole: sx sends none, and a batch's faults would be per member.
    const method = Array.isArray(call) ? 'batch' : String(call.method)
    const fault = Array.isArray(call) ? 'pass' : proxy.fault({ method, params: call.params, n: ++n })
    proxy.log.push({ method, params: Array.isArray(call) ? null : call.params, fault })
    const rpcError = (code: number, message: string) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: call.id, error: { code, message } }))
    switch (fault) {
      case 'pass': {
        const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text())
        return
      }
      case 'http-500':
        return void res.writeHead(500).end()
      case 'rate-limit':
        return void res.writeHead(429, { 'retry-after': '0' }).end('Too Many Requests')
      case 'rpc-limit':
        return rpcError(-32005, 'limit exceeded')
      case 'range-too-large':
        return rpcError(-32602, 'query returned more than 10000 results; block range is too large')
      case 'hang':
        hanging.add(res)
        return
      case 'drop':
        return void req.socket.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}
