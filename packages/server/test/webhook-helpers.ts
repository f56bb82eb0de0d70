// Webhook test helpers: a real HTTP receiver on loopback that records every request (headers,
// exact body bytes, arrival time) and answers as the test tells it to; both signature checks a
// receiver can make; endpoints and their attempt log through the API.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after } from 'node:test'
import assert from 'node:assert/strict'
import { Webhook } from 'standardwebhooks'
import { verifyXSignature } from '../src/platform/signing.ts'
import type { WebhookDelivery } from '../src/modules/webhooks/webhooks.schemas.ts'
import { json, type Client, type List } from './harness.ts'
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
      const request = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        path: req.url ?? '/',
      }
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
    events: () =>
      received.map(
        (request) =>
          JSON.parse(request.body) as {
            id: string
            type: string
            created_at: string
            livemode: boolean
            data: Record<string, unknown>
          },
      ),
    answerWith(next: typeof answer) {
      respond = next
    },
    waitForCount: (count: number, what = `${count} requests`, timeoutMs?: number) =>
      waitFor(() => received.length >= count, what, timeoutMs),
    close,
  }
}

/** Both checks a receiver can make; true only when both accept. */
export function verifies(
  secret: string,
  request: Pick<Received, 'headers' | 'body'>,
  nowSeconds = Math.floor(Date.now() / 1000),
): { standard: boolean; x: boolean } {
  const h = request.headers as Record<string, string>
  let standard = true
  try {
    new Webhook(secret).verify(request.body, {
      'webhook-id': h['webhook-id']!,
      'webhook-timestamp': h['webhook-timestamp']!,
      'webhook-signature': h['webhook-signature']!,
    })
  } catch {
    standard = false
  }
  return {
    standard,
    x: verifyXSignature(secret, h['x-signature']!, h['x-webhook-timestamp']!, request.body, nowSeconds),
  }
}

export const deliveries = async (api: Client, id: string) =>
  json<List<WebhookDelivery>>(await api.get(`/v1/webhooks/${id}/deliveries?limit=100`)).data

export async function subscribe(api: Client, url: string, events: string[] = ['*']) {
  const res = await api.post('/v1/webhooks', { url, events, description: 'test receiver' })
  assert.equal(res.statusCode, 201, res.body)
  return res.json() as { id: string; signing_secret: string; [k: string]: unknown }
}
