// A real HTTP receiver on loopback for webhook tests: records every request (headers, exact body
// bytes, arrival time) and answers as the test tells it to.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after } from 'node:test'
import { waitFor } from './processes.ts'

export type Received = { headers: IncomingHttpHeaders; body: string; at: number; path: string }
/** Answers one request: a status (and body), or 'hang' to never answer. */
export type Answer = number | { status: number; body?: string } | 'hang' | ((res: ServerResponse) => void)

export async function startReceiver(answer: (request: Received, index: number) => Answer = () => 200) {
  const received: Received[] = []
  const open = new Set<ServerResponse>()
  let respond = answer
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), path: req.url ?? '/' }
      received.push(request)
      const reply = respond(request, received.length - 1)
      if (reply === 'hang') return void open.add(res)
      if (typeof reply === 'function') return reply(res)
      const { status, body } = typeof reply === 'number' ? { status: reply, body: 'ok' } : reply
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body ?? '')
    })
  })
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = async () => {
    open.forEach((res) => res.destroy())
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  after(close)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    /** Events received (parsed bodies), in arrival order. */
    events: () => received.map((request) => JSON.parse(request.body) as { id: string; type: string; created_at: string; livemode: boolean; data: any }),
    answerWith(next: typeof answer) {
      respond = next
    },
    waitForCount: (count: number, what = `${count} requests`, timeoutMs?: number) => waitFor(() => received.length >= count, what, timeoutMs),
    close,
  }
}
