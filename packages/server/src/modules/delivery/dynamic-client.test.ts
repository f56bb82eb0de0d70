import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { newSigningSecret, verifyXSignature } from '../../platform/signing.ts'
import { createOutboundClient } from '../../platform/outbound/client.ts'
import { modePolicy } from '../../platform/outbound/address-policy.ts'
import { callDynamicEndpoint, type DynamicCallInput, type DynamicPayload } from './dynamic-client.ts'

type Received = { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }

const servers: Server[] = []
const client = createOutboundClient()
after(() => {
  client.close()
  for (const server of servers) {
    server.closeAllConnections()
    server.close()
  }
})

/** A real HTTP server on a loopback port; records every request it receives, body included. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void) {
  const received: Received[] = []
  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body })
      handler(req, res, body)
    })
  }
  const server = createServer(listener)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/deliver`, port, received, server }
}

const payload: DynamicPayload = {
  order_id: 'ord_01J',
  product_id: 'prod_01J',
  qty: 3,
  customer_email: 'b@example.com',
  livemode: false,
}

function call(url: string, overrides: Partial<DynamicCallInput> = {}) {
  return callDynamicEndpoint({
    url,
    secret: newSigningSecret(),
    payload,
    idempotencyKey: 'ord_01J:0',
    eventId: 'evt_01J',
    now: Date.now,
    client,
    policy: modePolicy(false, false),
    ...overrides,
  })
}

function answer(status: number, contentType: string, body: string) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': contentType })
    res.end(body)
  }
}

describe('callDynamicEndpoint', () => {
  it('sends the exact signed bytes with the Idempotency-Key, verifiable by standardwebhooks', async () => {
    const { url, received } = await serve(answer(200, 'application/json', '{"items":["A","B","C"]}'))
    const secret = newSigningSecret()
    assert.equal((await call(url, { secret })).ok, true)

    const [request] = received
    assert.ok(request)
    assert.equal(request.method, 'POST')
    assert.equal(request.body.toString('utf8'), JSON.stringify(payload))
    assert.equal(request.headers['content-type'], 'application/json')
    assert.equal(request.headers['idempotency-key'], 'ord_01J:0')
    assert.equal(request.headers['user-agent'], 'sx-webhook/1')
    assert.equal(request.headers['x-event-type'], 'delivery.requested')
    assert.equal(request.headers['webhook-id'], 'evt_01J')
    assert.deepEqual(new Webhook(secret).verify(request.body, request.headers as Record<string, string>), payload)
    const { 'x-signature': signature, 'x-webhook-timestamp': timestamp } = request.headers as Record<string, string>
    assert.ok(
      verifyXSignature(secret, signature!, timestamp!, request.body.toString('utf8'), Math.floor(Date.now() / 1000)),
    )
  })

  it('accepts {"items": [...]} answered as JSON', async () => {
    const { url } = await serve(answer(200, 'application/json; charset=utf-8', '{"items":["KEY-1","KEY-2","KEY-3"]}'))
    assert.deepEqual(await call(url), { ok: true, items: ['KEY-1', 'KEY-2', 'KEY-3'], status: 200 })
  })

  it('accepts text lines, trimmed, blank lines dropped', async () => {
    const { url } = await serve(answer(201, 'text/plain', '  KEY-1\r\n\nKEY-2  \n\n KEY-3\n'))
    assert.deepEqual(await call(url), { ok: true, items: ['KEY-1', 'KEY-2', 'KEY-3'], status: 201 })
  })

  it('reads JSON sent without a content type as JSON, not as one line of text', async () => {
    const { url } = await serve((_req, res) => res.end('{"items":["KEY-1"]}'))
    assert.deepEqual(await call(url, { payload: { ...payload, qty: 1 } }), { ok: true, items: ['KEY-1'], status: 200 })
  })

  it('fails when the count is not exactly qty', async () => {
    const { url } = await serve(answer(200, 'application/json', '{"items":["A","B"]}'))
    assert.deepEqual(await call(url), { ok: false, reason: 'expected 3 items, got 2', status: 200 })
    const lines = await serve(answer(200, 'text/plain', 'A\nB\nC\nD'))
    assert.deepEqual(await call(lines.url), { ok: false, reason: 'expected 3 items, got 4', status: 200 })
  })

  it('fails on items that are not non-empty strings of at most 4096 chars, or on a malformed body', async () => {
    const cases: [string, string, string][] = [
      ['application/json', '{"items":["A",2,"C"]}', 'item 2 is not a string'],
      ['application/json', '{"items":["A","","C"]}', 'item 2 is empty'],
      [
        'application/json',
        JSON.stringify({ items: ['A', 'B', 'x'.repeat(4097)] }),
        'item 3 is longer than 4096 characters',
      ],
      ['application/json', '{"items":', 'response is not valid JSON'],
      ['application/json', '["A","B","C"]', 'JSON response has no "items" array'],
      ['text/plain', 'A\nB\n' + 'x'.repeat(4097), 'item 3 is longer than 4096 characters'],
    ]
    for (const [contentType, body, reason] of cases) {
      const { url } = await serve(answer(200, contentType, body))
      assert.deepEqual(await call(url), { ok: false, reason, status: 200 })
    }
  })

  it('fails on a non-2xx answer', async () => {
    const { url } = await serve(answer(500, 'application/json', '{"items":["A","B","C"]}'))
    assert.deepEqual(await call(url), { ok: false, reason: 'HTTP 500', status: 500 })
  })

  it('does not follow a redirect', async () => {
    const target = await serve(answer(200, 'application/json', '{"items":["A","B","C"]}'))
    const { url } = await serve((_req, res) => {
      res.writeHead(307, { location: target.url })
      res.end()
    })
    assert.deepEqual(await call(url), { ok: false, reason: 'redirect not followed', status: 307 })
    assert.equal(target.received.length, 0)
  })

  it('gives up after timeoutMs when the server never answers', async () => {
    const { url } = await serve(() => {})
    const started = Date.now()
    assert.deepEqual(await call(url, { timeoutMs: 200 }), { ok: false, reason: 'timeout after 200 ms', status: null })
    assert.ok(Date.now() - started < 2_000)
  })

  it('times out while a slow body is still arriving', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('A\n')
    })
    assert.deepEqual(await call(url, { timeoutMs: 200 }), { ok: false, reason: 'timeout after 200 ms', status: 200 })
  })

  it('stops reading a body larger than maxResponseBytes', async () => {
    let bytesWritten = 0
    let closed = false
    let clientHungUp = false
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.on('close', () => {
        closed = true
        clientHungUp = !res.writableEnded
      })
      const chunk = 'x'.repeat(16_384) + '\n'
      // Streams until the client goes away (or 64 MiB, so a broken client cannot hang the test).
      const pump = () => {
        while (!res.destroyed && bytesWritten < 64 * 1024 * 1024) {
          bytesWritten += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end()
      }
      pump()
    })
    assert.deepEqual(await call(url, { maxResponseBytes: 65_536 }), {
      ok: false,
      reason: 'response too large',
      status: 200,
    })
    // The server hears the hang-up a moment after the client returns: poll for it (the deadline is for a hang only).
    for (const deadline = Date.now() + 60_000; !closed && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 10))
    assert.ok(closed, 'the connection was closed')
    assert.ok(clientHungUp, 'the client closed the connection instead of draining the body')
    assert.ok(bytesWritten < 64 * 1024 * 1024)
  })

  it('reports a closed port as connection refused', async () => {
    const { url, server } = await serve(() => {})
    await new Promise((resolve) => server.close(resolve))
    assert.deepEqual(await call(url), { ok: false, reason: 'connection refused', status: null })
  })

  it('refuses a loopback endpoint under the live-mode policy before connecting', async () => {
    const { url, received } = await serve(answer(200, 'text/plain', 'A\nB\nC\n'))
    const result = await call(url.replace('http:', 'https:'), { policy: modePolicy(true, false) })
    assert.equal(result.ok, false)
    assert.match(result.ok ? '' : result.reason, /^refused: .*loopback/)
    assert.equal(received.length, 0)
  })
})
