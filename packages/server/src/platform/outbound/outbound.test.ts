import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import { classifyAddress, refusalFor, type AddressClass, type AddressPolicy } from './address-policy.ts'
import { createOutboundClient, type OutboundRequest } from './client.ts'
import { checkOutboundUrl, type LookupAll, type UrlCheck } from './url-guard.ts'

const STRICT: AddressPolicy = { allowHttp: false, allowLoopback: false, allowPrivate: false }
const STRICT_HTTP: AddressPolicy = { ...STRICT, allowHttp: true }
const LOOPBACK_HTTP: AddressPolicy = { ...STRICT_HTTP, allowLoopback: true }

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex')
const resolvesTo =
  (address: string, family = 4): LookupAll =>
  async () => [{ address, family }]
const verdictOf = (check: UrlCheck) => (check.ok ? 'accepted' : check.reason)

type Receiver = { url: string; port: number; requests: number; connections: number; closedSockets: number }

/** A real HTTP server on a loopback port, counting what reached it; closed (connections and all) after the test. */
async function startReceiver(t: TestContext, handle: http.RequestListener): Promise<Receiver> {
  const server = http.createServer(handle)
  const receiver = { url: '', port: 0, requests: 0, connections: 0, closedSockets: 0 }
  server.on('request', () => receiver.requests++)
  server.on('connection', (socket) => {
    receiver.connections++
    socket.on('close', () => receiver.closedSockets++)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  receiver.port = (server.address() as AddressInfo).port
  receiver.url = `http://127.0.0.1:${receiver.port}`
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  return receiver
}

function newClient(t: TestContext) {
  const client = createOutboundClient()
  t.after(() => client.close())
  return client
}

function postTo(url: string, overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return { url, headers: {}, body: '{}', timeoutMs: 2000, maxResponseBytes: 65536, policy: LOOPBACK_HTTP, ...overrides }
}

/** Polls `condition`; `withinMs` is a deadline for a hang only (a loaded machine just takes longer). */
async function waitUntil(condition: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
  return condition()
}

test('classifyAddress sorts literals into public, loopback and private', () => {
  const table: Record<AddressClass, string[]> = {
    public: ['8.8.8.8', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'],
    loopback: ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::7f00:1'],
    private: [
      ...['0.0.0.0', '10.1.2.3', '100.64.0.1', '169.254.169.254', '172.16.5.4', '192.0.0.8', '192.0.2.1'],
      ...['192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '240.0.0.1', '255.255.255.255'],
      ...['::', 'fd00:ec2::254', 'fc00::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', '2001:db8::1', '100::1'],
      // Embedded IPv4: mapped, compatible, NAT64, 6to4.
      ...['::ffff:169.254.169.254', '::10.0.0.1', '64:ff9b::10.0.0.1', '2002:a00:1::1'],
      // Not a literal we can read: refused rather than guessed.
      ...['garbage', '', '127.1', '010.0.0.1'],
    ],
  }
  for (const [expected, addresses] of Object.entries(table)) {
    for (const ip of addresses) assert.equal(classifyAddress(ip), expected, ip)
  }
})

test('refusalFor names the class and the address, and lets the policy opt in', () => {
  assert.equal(refusalFor('10.0.0.5', STRICT), 'resolves to a private address (10.0.0.5)')
  assert.equal(refusalFor('127.0.0.1', STRICT), 'resolves to a loopback address (127.0.0.1)')
  assert.equal(refusalFor('10.0.0.5', { ...STRICT, allowPrivate: true }), null)
  assert.equal(refusalFor('127.0.0.1', { ...STRICT, allowPrivate: true }), 'resolves to a loopback address (127.0.0.1)')
  assert.equal(refusalFor('127.0.0.1', LOOPBACK_HTTP), null)
  assert.equal(refusalFor('8.8.8.8', STRICT), null)
})

test('checkOutboundUrl requires https unless the policy allows http', async () => {
  const publicName = resolvesTo('93.184.216.34')
  assert.equal(verdictOf(await checkOutboundUrl('http://shop.example/hook', STRICT, publicName)), 'must use https')
  assert.equal(verdictOf(await checkOutboundUrl('https://shop.example/hook', STRICT, publicName)), 'accepted')
  assert.equal(verdictOf(await checkOutboundUrl('http://shop.example/hook', STRICT_HTTP, publicName)), 'accepted')
  const ftp = await checkOutboundUrl('ftp://shop.example/', STRICT_HTTP, publicName)
  assert.equal(verdictOf(ftp), 'must use http or https')
})

test('checkOutboundUrl refuses credentials, relative and overlong URLs', async () => {
  const publicName = resolvesTo('93.184.216.34')
  for (const raw of ['https://user:pw@shop.example/', 'https://user@shop.example/', 'https://:pw@shop.example/']) {
    assert.equal(verdictOf(await checkOutboundUrl(raw, STRICT, publicName)), 'must not contain a username or password')
  }
  assert.equal(verdictOf(await checkOutboundUrl('/hook', STRICT, publicName)), 'is not an absolute URL')
  const overlong = `https://shop.example/${'a'.repeat(2048)}`
  assert.equal(verdictOf(await checkOutboundUrl(overlong, STRICT, publicName)), 'is longer than 2048 characters')
})

test('checkOutboundUrl classifies literal IP hosts without asking DNS', async () => {
  const lookupMustNotRun: LookupAll = async () => assert.fail('a literal must not be resolved')
  const expectations: [string, string][] = [
    ['https://127.0.0.1/', 'resolves to a loopback address (127.0.0.1)'],
    ['https://[::1]:8443/', 'resolves to a loopback address (::1)'],
    ['https://10.1.2.3/', 'resolves to a private address (10.1.2.3)'],
    ['https://169.254.169.254/latest/meta-data/', 'resolves to a private address (169.254.169.254)'],
    ['https://[fd00:ec2::254]/', 'resolves to a private address (fd00:ec2::254)'],
    // The URL parser turns these spellings into 127.0.0.1 and ::ffff:7f00:1 before we look.
    ['https://2130706433/', 'resolves to a loopback address (127.0.0.1)'],
    ['https://0x7f.1/', 'resolves to a loopback address (127.0.0.1)'],
    ['https://[::ffff:127.0.0.1]/', 'resolves to a loopback address (::ffff:7f00:1)'],
    ['https://8.8.8.8/', 'accepted'],
  ]
  for (const [raw, expected] of expectations) {
    assert.equal(verdictOf(await checkOutboundUrl(raw, STRICT, lookupMustNotRun)), expected, raw)
  }
  assert.equal(verdictOf(await checkOutboundUrl('https://[::1]/', LOOPBACK_HTTP, lookupMustNotRun)), 'accepted')
})

test('checkOutboundUrl treats localhost names as loopback without asking DNS', async () => {
  const lookupMustNotRun: LookupAll = async () => assert.fail('localhost must not be resolved')
  for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost']) {
    const url = `https://${host}:3000/hook`
    assert.match(verdictOf(await checkOutboundUrl(url, STRICT, lookupMustNotRun)), /^is a loopback host/, host)
    assert.equal(verdictOf(await checkOutboundUrl(url, LOOPBACK_HTTP, lookupMustNotRun)), 'accepted', host)
  }
})

test('checkOutboundUrl requires every resolved address to be allowed', async () => {
  const privateName = await checkOutboundUrl('https://shop.example/', STRICT, resolvesTo('10.0.0.1'))
  assert.equal(verdictOf(privateName), 'resolves to a private address (10.0.0.1)')
  const publicName = await checkOutboundUrl('https://shop.example/hook?x=1', STRICT, resolvesTo('93.184.216.34'))
  assert.equal(publicName.ok && publicName.url.href, 'https://shop.example/hook?x=1')
  const mixed: LookupAll = async () => [
    { address: '93.184.216.34', family: 4 },
    { address: '::1', family: 6 },
  ]
  const mixedName = await checkOutboundUrl('https://shop.example/', STRICT, mixed)
  assert.equal(verdictOf(mixedName), 'resolves to a loopback address (::1)')
})

test('checkOutboundUrl accepts a name that does not resolve', async () => {
  const notFound: LookupAll = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND shop.invalid'), { code: 'ENOTFOUND' })
  }
  assert.equal(verdictOf(await checkOutboundUrl('https://shop.invalid/hook', STRICT, notFound)), 'accepted')
  assert.equal(verdictOf(await checkOutboundUrl('https://shop.invalid/hook', STRICT, async () => [])), 'accepted')
})

test('client: 200 with the body read, headers and body arriving byte-exact', async (t) => {
  let seen: { method?: string; headers?: http.IncomingHttpHeaders; bodySha?: string; length?: number } = {}
  const receiver = await startReceiver(t, async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    seen = { method: req.method, headers: req.headers, bodySha: sha256(body), length: body.length }
    res.writeHead(200, { 'content-type': 'text/plain', 'x-receiver': 'yes' }).end('thanks')
  })
  const body = JSON.stringify({ id: 'evt_1', note: 'ünïcode € and "quotes"\n' })
  const headers = { 'content-type': 'application/json', 'webhook-id': 'evt_1', 'webhook-signature': 'v1,abc= v1,def=' }
  const result = await newClient(t).post(postTo(`${receiver.url}/hook`, { headers, body }))

  assert.equal(result.status, 200)
  assert.equal(result.error, null)
  assert.equal(result.body.toString(), 'thanks')
  assert.equal(result.truncated, false)
  assert.equal(result.headers['x-receiver'], 'yes')
  assert.equal(seen.method, 'POST')
  assert.equal(seen.bodySha, sha256(body))
  assert.equal(seen.length, Buffer.byteLength(body))
  assert.equal(seen.headers?.['content-length'], String(Buffer.byteLength(body)))
  for (const [name, value] of Object.entries(headers)) assert.equal(seen.headers?.[name], value)
})

test('client: a 500 keeps its status and body', async (t) => {
  const receiver = await startReceiver(t, (_req, res) => res.writeHead(500).end('boom'))
  const result = await newClient(t).post(postTo(receiver.url))
  assert.deepEqual([result.status, result.error, result.body.toString()], [500, null, 'boom'])
})

test('client: a redirect is a status, never followed', async (t) => {
  const target = await startReceiver(t, (_req, res) => res.end('reached'))
  const receiver = await startReceiver(t, (_req, res) => {
    res.writeHead(302, { location: `${target.url}/elsewhere` }).end()
  })
  const result = await newClient(t).post(postTo(receiver.url))
  assert.equal(result.status, 302)
  assert.equal(result.headers.location, `${target.url}/elsewhere`)
  assert.equal(target.connections, 0)
})

test('client: a receiver that never answers times out with no status', async (t) => {
  const receiver = await startReceiver(t, () => {})
  const result = await newClient(t).post(postTo(receiver.url, { timeoutMs: 300 }))
  assert.equal(result.status, null)
  assert.equal(result.error, 'timeout after 300 ms')
  assert.ok(result.durationMs >= 290 && result.durationMs < 1000, `took ${result.durationMs} ms`)
  assert.ok(await waitUntil(() => receiver.closedSockets === 1, 30_000), 'the connection is closed after the timeout')
})

test('client: headers then an endless body keep the status, truncated, within the timeout', async (t) => {
  const receiver = await startReceiver(t, (_req, res) => {
    res.writeHead(200)
    const drip = setInterval(() => res.write('x'.repeat(100)), 20)
    res.on('close', () => clearInterval(drip))
  })
  const result = await newClient(t).post(postTo(receiver.url, { timeoutMs: 300 }))
  assert.equal(result.status, 200)
  assert.equal(result.error, null)
  assert.equal(result.truncated, 'timeout')
  assert.ok(result.body.length > 0 && result.body.length < 65536)
  assert.ok(result.durationMs >= 290 && result.durationMs < 1000, `took ${result.durationMs} ms`)
  assert.ok(await waitUntil(() => receiver.closedSockets === 1, 30_000), 'the connection is closed after the timeout')
})

test('client: a 10 MB body stops at maxResponseBytes without downloading the rest', async (t) => {
  const receiver = await startReceiver(t, (_req, res) => res.writeHead(200).end(Buffer.alloc(10 * 1024 * 1024, 'a')))
  const result = await newClient(t).post(postTo(receiver.url, { maxResponseBytes: 65536, timeoutMs: 5000 }))
  assert.equal(result.status, 200)
  assert.equal(result.truncated, 'limit')
  assert.equal(result.body.length, 65536)
  assert.ok(result.durationMs < 1000, `took ${result.durationMs} ms`)
  assert.ok(await waitUntil(() => receiver.closedSockets === 1, 30_000), 'the socket is destroyed, not pooled')
})

test('client: a body of exactly maxResponseBytes is not truncated', async (t) => {
  const receiver = await startReceiver(t, (_req, res) => res.end('12345'))
  const result = await newClient(t).post(postTo(receiver.url, { maxResponseBytes: 5 }))
  assert.deepEqual([result.body.toString(), result.truncated], ['12345', false])
})

test('client: a receiver hanging up mid-body keeps the status, truncated', async (t) => {
  const receiver = await startReceiver(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '100' }).write('partial')
    setTimeout(() => res.socket?.destroy(), 20)
  })
  const result = await newClient(t).post(postTo(receiver.url))
  assert.deepEqual(
    [result.status, result.error, result.truncated, result.body.toString()],
    [200, null, 'closed', 'partial'],
  )
})

test('client: connection refused', async (t) => {
  const probe = http.createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const freePort = (probe.address() as AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  const result = await newClient(t).post(postTo(`http://127.0.0.1:${freePort}/`))
  assert.deepEqual([result.status, result.error], [null, 'connection refused'])
})

test('client: a literal loopback address is refused before connecting', async (t) => {
  const receiver = await startReceiver(t, (_req, res) => res.end())
  const client = newClient(t)
  const result = await client.post(postTo(receiver.url, { policy: STRICT_HTTP }))
  assert.deepEqual([result.status, result.error], [null, 'refused: resolves to a loopback address (127.0.0.1)'])
  const https = await client.post(postTo(receiver.url, { policy: { ...LOOPBACK_HTTP, allowHttp: false } }))
  assert.deepEqual([https.status, https.error], [null, 'refused: http: URLs are not allowed'])
  assert.equal(receiver.connections, 0)
})

test('client: DNS rebinding — a name that resolves to loopback at connect time is refused', async (t) => {
  const receiver = await startReceiver(t, (_req, res) => res.end())
  // No create-time check runs here, as when the name pointed elsewhere when the URL was saved.
  const result = await newClient(t).post(postTo(`http://localhost:${receiver.port}/hook`, { policy: STRICT_HTTP }))
  assert.equal(result.status, null)
  assert.match(result.error ?? '', /^refused: resolves to a loopback address \((127\.0\.0\.1|::1)\)$/)
  assert.equal(receiver.connections, 0)
})

test('client: a socket opened under a looser policy is not reused under a stricter one', async (t) => {
  const receiver = await startReceiver(t, (_req, res) => res.end('ok'))
  const client = newClient(t)
  const url = `http://localhost:${receiver.port}/`
  assert.equal((await client.post(postTo(url))).status, 200)
  assert.equal((await client.post(postTo(url))).status, 200)
  assert.equal(receiver.connections, 1, 'keep-alive reuses the socket')
  const strict = await client.post(postTo(url, { policy: STRICT_HTTP }))
  assert.equal(strict.status, null)
  assert.match(strict.error ?? '', /^refused: /)
  assert.equal(receiver.requests, 2)
})
