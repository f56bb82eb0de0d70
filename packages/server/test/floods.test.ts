// Floods (audit issue 10, item 6): per-address budgets for requests without a valid API key and
// for buyer pages, refusals that cost no database lookup, connections closed after a refusal,
// slow clients cut off, a connection cap, and a cap on active keys per shop and mode.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { connect } from '../src/db/connect.ts'
import { closeServices, createServices } from '../src/services.ts'
import { DIALECTS, REDIS_URL, client, listen, problem, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { waitFor } from './processes.ts'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const randomTail = (length = 32) => [...randomBytes(length)].map((byte) => BASE62[byte % 62]).join('')
const unknownKey = () => `Bearer sx_test_${randomTail()}`

/** A request from a given client address (inject fakes the socket's remote address). */
const from = (app: FastifyInstance, address: string, url: string, authorization?: string) =>
  app.inject({ method: 'GET', url, remoteAddress: address, headers: authorization ? { authorization } : {} })

function refused(response: LightMyRequestResponse, status: 401 | 429) {
  problem(response, status, status === 401 ? 'unauthenticated' : 'rate_limited')
  assert.equal(response.headers.connection, 'close', `a ${status} closes the connection`)
  if (status === 429) assert.match(String(response.headers['retry-after']), /^[1-9]\d*$/)
}

/** An app on the environment's database whose every database query is counted. */
async function countingApp(env: TestEnv, settings: Record<string, string>) {
  const config = loadConfig({
    DATABASE_URL: env.dbUrl,
    SX_DATA_DIR: env.services.config.dataDir,
    LOG_LEVEL: 'silent',
    KEY_LAST_USED_FLUSH_MS: '60000',
    SX_WORKER: 'off',
    ...settings,
  })
  const connection = connect(config.db.url)
  let queries = 0
  const db = connection.db.withPlugin({
    transformQuery: ({ node }) => node,
    transformResult: async ({ result }) => {
      queries++
      return result
    },
  })
  const services = createServices(config, { ...connection, db })
  const app = await buildApp(services)
  await app.ready()
  after(async () => {
    await app.close()
    await closeServices(services)
  })
  /** Runs `send` and answers its response with the number of queries it cost. */
  const measure = async (send: () => Promise<LightMyRequestResponse>) => {
    const before = queries
    const response = await send()
    return { response, queries: queries - before }
  }
  return { app, measure }
}

type Raw = { socket: net.Socket; text(): string; closed(): boolean; send(data: string): void }

/** A plain TCP connection to `baseUrl`, recording what the server sends and whether it closed. */
async function rawConnection(baseUrl: string): Promise<Raw> {
  const { hostname, port } = new URL(baseUrl)
  const socket = net.connect(Number(port), hostname)
  let received = ''
  let closed = false
  socket.on('data', (chunk) => (received += chunk))
  socket.on('error', () => {})
  socket.on('close', () => (closed = true))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  after(() => void socket.destroy())
  return { socket, text: () => received, closed: () => closed, send: (data) => void socket.write(data) }
}

const connections = (app: FastifyInstance) =>
  new Promise<number>((resolve, reject) =>
    app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  )

for (const dialect of DIALECTS) {
  describe(`${dialect}: floods`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    it('refuses malformed keys before any lookup, and an address over its failure budget before any lookup too', async () => {
      const { app, measure } = await countingApp(env, { RATE_LIMIT_ANON: '3' })
      const shop = await env.newShop()
      const [a, b] = ['10.9.0.1', '10.9.0.2']
      // Within budget: a malformed key costs nothing, an unknown well-formed one its lookup.
      const malformed = await measure(() => from(app, a, '/v1/products', `Bearer sx_test_${randomTail(31)}`))
      refused(malformed.response, 401)
      assert.equal(malformed.queries, 0, 'a key of the wrong length is refused without a query')
      const unknown = await measure(() => from(app, a, '/v1/products', unknownKey()))
      refused(unknown.response, 401)
      assert.equal(unknown.queries, 1, 'an unknown well-formed key costs one lookup (and the counter sees queries)')
      refused(await from(app, a, '/v1/products'), 401)
      // The budget (3) is spent: the failure that goes over it answers 429, and from then on the
      // address is refused before any lookup, whatever it sends.
      refused((await measure(() => from(app, a, '/v1/products', unknownKey()))).response, 429)
      for (const header of [unknownKey(), unknownKey(), 'Bearer nonsense', undefined]) {
        const blocked = await measure(() => from(app, a, '/v1/products', header))
        refused(blocked.response, 429)
        assert.equal(blocked.queries, 0, `no query once over budget (${header})`)
      }
      // Another address has its own budget.
      refused(await from(app, b, '/v1/products', unknownKey()), 401)
      // A real key keeps its own budget: one this process has accepted is still served from the
      // blocked address; one it has never seen waits for the window, like any other key.
      assert.equal((await from(app, b, '/v1/products', `Bearer ${shop.keys.test}`)).statusCode, 200)
      const served = await from(app, a, '/v1/products', `Bearer ${shop.keys.test}`)
      assert.equal(served.statusCode, 200, served.body)
      assert.match(String(served.headers.ratelimit), /^"reads";r=59\d;/, 'the key spends its own read budget')
      refused(await from(app, a, '/v1/products', `Bearer ${shop.keys.live}`), 429)
    })

    it('lifts the block when the window ends', async () => {
      const { app } = await env.spawnApp({ RATE_LIMIT_ANON: '1', RATE_LIMIT_WINDOW_SECONDS: '1' })
      refused(await from(app, '10.9.1.1', '/v1/products'), 401)
      refused(await from(app, '10.9.1.1', '/v1/products'), 429)
      await waitFor(
        async () => (await from(app, '10.9.1.1', '/v1/products')).statusCode === 401,
        'the address to get a new budget',
        10_000,
      )
    })

    it('shares the failure budget of an address across instances through Redis', async () => {
      const settings = { REDIS_URL, RATE_LIMIT_ANON: '3', REDIS_KEY_PREFIX: `sx-test-${randomTail(8)}:` }
      const [one, two] = [await env.spawnApp(settings), await env.spawnApp(settings)]
      const address = '10.9.2.1'
      refused(await from(one.app, address, '/v1/products', unknownKey()), 401)
      refused(await from(one.app, address, '/v1/products', unknownKey()), 401)
      refused(await from(two.app, address, '/v1/products', unknownKey()), 401)
      refused(await from(two.app, address, '/v1/products', unknownKey()), 429)
      refused(await from(one.app, address, '/v1/products', unknownKey()), 429)
      refused(await from(one.app, '10.9.2.2', '/v1/products', unknownKey()), 401)
    })

    it('keys the budget on X-Forwarded-For only from a trusted proxy', async () => {
      const forwarded = (app: FastifyInstance, client: string) =>
        app.inject({
          method: 'GET',
          url: '/v1/products',
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': client },
        })
      const behindProxy = (await env.spawnApp({ RATE_LIMIT_ANON: '1', TRUST_PROXY: '127.0.0.1' })).app
      refused(await forwarded(behindProxy, '203.0.113.1'), 401)
      refused(await forwarded(behindProxy, '203.0.113.2'), 401)
      refused(await forwarded(behindProxy, '203.0.113.1'), 429)
      const direct = (await env.spawnApp({ RATE_LIMIT_ANON: '1' })).app
      refused(await forwarded(direct, '203.0.113.1'), 401)
      refused(await forwarded(direct, '203.0.113.2'), 429)
    })

    it('gives buyer pages a budget per address, refused before any lookup once spent', async () => {
      const { app, measure } = await countingApp(env, { RATE_LIMIT_BUYER: '3' })
      const flooder = '10.9.3.1'
      for (const path of [`/o/${randomTail()}`, `/o/${randomTail()}/status`, `/dl/${randomTail(40)}`]) {
        problem(await from(app, flooder, path), 404, 'not_found')
      }
      for (const path of [`/o/${randomTail()}`, `/dl/${randomTail(40)}`]) {
        const blocked = await measure(() => from(app, flooder, path))
        refused(blocked.response, 429)
        assert.equal(blocked.queries, 0, `no lookup once over budget (${path})`)
      }
      // A buyer elsewhere opens a real page.
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const product = (await api.post('/v1/products', sampleProduct({ type: 'subscription' }))).json()
      const order = await api.post('/v1/orders', {
        customer_email: 'buyer@example.com',
        items: [{ product_id: product.id, qty: 1 }],
      })
      assert.equal(order.statusCode, 201, order.body)
      const page = await from(app, '10.9.3.2', new URL(order.json().checkout_url).pathname)
      assert.equal(page.statusCode, 200)
      refused(await from(app, flooder, new URL(order.json().checkout_url).pathname), 429)
    })

    it('closes the connection after refusing a request, so a flood of them holds none open', async () => {
      const { app } = await env.spawnApp()
      const base = await listen(app)
      const flood = await Promise.all(Array.from({ length: 50 }, () => rawConnection(base)))
      for (const connection of flood) connection.send('GET /v1/products HTTP/1.1\r\nHost: sx\r\n\r\n')
      await waitFor(
        () => flood.every((connection) => connection.closed()),
        'the server to close every refused connection',
        10_000,
      )
      for (const connection of flood) assert.match(connection.text(), /^HTTP\/1\.1 401 [^]*\r\nconnection: close\r\n/i)
      await waitFor(async () => (await connections(app)) === 0, 'no connection left open', 10_000)
      // An answered request keeps its connection for the next one.
      const kept = await rawConnection(base)
      kept.send('GET /healthz HTTP/1.1\r\nHost: sx\r\n\r\n')
      await waitFor(() => kept.text().includes('"ok"'), 'the first answer')
      kept.send('GET /healthz HTTP/1.1\r\nHost: sx\r\n\r\n')
      await waitFor(() => kept.text().split('"ok"').length === 3, 'a second answer on the same connection')
      assert.equal(kept.closed(), false)
    })

    it('cuts off a request whose headers or body arrive too slowly, but gives uploads their own deadline', async () => {
      const { app } = await env.spawnApp({ REQUEST_TIMEOUT_MS: '500' })
      const base = await listen(app)
      const shop = await env.newShop()
      const key = shop.keys.test
      const product = (await client(app, key).post('/v1/products', sampleProduct({ type: 'file_download' }))).json()
      // An upload under way (UPLOAD_TIMEOUT_MS, 10 min by default), its body trickling in.
      const upload = await rawConnection(base)
      upload.send(
        `PUT /v1/products/${product.id}/file?filename=a.bin HTTP/1.1\r\nHost: sx\r\nAuthorization: Bearer ${key}\r\n` +
          'Content-Type: application/octet-stream\r\nContent-Length: 20\r\n\r\n01234',
      )
      // Two slow bodies on an ordinary route, one after the other: each is cut off.
      for (const round of [1, 2]) {
        const slowBody = await rawConnection(base)
        slowBody.send(
          `POST /v1/products HTTP/1.1\r\nHost: sx\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`,
        )
        await waitFor(() => slowBody.closed(), `the server to cut off slow body ${round}`, 30_000)
        assert.match(slowBody.text(), /^HTTP\/1\.1 408 [^]*content-type: application\/problem\+json/i)
        assert.equal(JSON.parse(slowBody.text().slice(slowBody.text().indexOf('\r\n\r\n') + 4)).type, 'request_timeout')
      }
      const slowHeaders = await rawConnection(base)
      slowHeaders.send('GET /healthz HTTP/1.1\r\nHost: sx\r\n')
      await waitFor(() => slowHeaders.closed(), 'the server to cut off slow headers', 30_000)
      assert.match(slowHeaders.text(), /^HTTP\/1\.1 408 [^]*content-type: application\/problem\+json/i)
      // The upload began before both and is still open; it completes.
      assert.equal(upload.closed(), false, 'the upload outlives REQUEST_TIMEOUT_MS')
      upload.send('56789abcdefghij')
      await waitFor(() => /\r\n\r\n\{.*\}$/.test(upload.text()), 'the upload to be answered', 10_000)
      assert.match(upload.text(), /^HTTP\/1\.1 200 /)
      assert.equal(JSON.parse(upload.text().split('\r\n\r\n')[1]!).file.size, 20)
    })

    it('accepts at most MAX_CONNECTIONS connections at once', async () => {
      const { app } = await env.spawnApp({ MAX_CONNECTIONS: '3' })
      const base = await listen(app)
      const open = [await rawConnection(base), await rawConnection(base), await rawConnection(base)]
      await waitFor(async () => (await connections(app)) === 3, 'three connections accepted')
      const extra = await rawConnection(base)
      await waitFor(() => extra.closed(), 'the fourth connection to be dropped', 10_000)
      assert.equal(extra.text(), '', 'dropped without an answer')
      open[0]!.send('GET /healthz HTTP/1.1\r\nHost: sx\r\n\r\n')
      await waitFor(() => open[0]!.text().includes('"ok"'), 'the accepted connections to be served')
      open[1]!.socket.destroy()
      await waitFor(async () => (await connections(app)) === 2, 'a slot to free up')
      const next = await rawConnection(base)
      next.send('GET /healthz HTTP/1.1\r\nHost: sx\r\n\r\n')
      await waitFor(() => next.text().includes('"ok"'), 'a new connection to be served')
    })

    it('caps active keys per shop and mode at MAX_ACTIVE_KEYS, even when minted at once', async () => {
      const { app } = await env.spawnApp({ MAX_ACTIVE_KEYS: '3' })
      const shop = await env.newShop()
      const test = client(app, shop.keys.test)
      const mint = (api = test) => api.post('/v1/api-keys', { name: 'more', abilities: ['products:read'] })
      // The shop's own test key is one of three.
      const second = await mint()
      assert.equal(second.statusCode, 201)
      // Three mints race for the last slot: one wins.
      const raced = await Promise.all([mint(), mint(), mint()])
      assert.deepEqual(raced.map((r) => r.statusCode).sort(), [201, 409, 409])
      const full = problem(
        raced.find((r) => r.statusCode === 409)!,
        409,
        'conflict',
      )
      assert.match(full.detail, /3 active test-mode API keys/)
      problem(await mint(), 409, 'conflict')
      assert.equal((await test.get('/v1/api-keys')).json().data.length, 3)
      // Live mode counts apart; revoking frees a slot.
      assert.equal((await mint(client(app, shop.keys.live))).statusCode, 201)
      assert.equal((await test.delete(`/v1/api-keys/${second.json().id}`)).statusCode, 200)
      assert.equal((await mint()).statusCode, 201)
    })
  })
}
