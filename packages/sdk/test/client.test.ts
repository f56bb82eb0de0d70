// The client against a real `sx serve` on each dialect: typed calls, SxError, the automatic
// Idempotency-Key across retries (through a proxy that fails on purpose), and pagination.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createClient, SxError, type SxClient } from '../src/index.ts'
import { DIALECTS, startProxy, startSx, type Fault } from './servers.ts'

/** Quick retries: the proxy's refusals say `Retry-After: 0` or nothing. */
const RETRIES = { max: 2, baseDelayMs: 10 }
const unique = () => `sdk ${Date.now()} ${Math.random().toString(36).slice(2, 8)}`

for (const dialect of DIALECTS) {
  describe(`${dialect}: @sx/sdk client`, { timeout: 180_000 }, () => {
    let server: Awaited<ReturnType<typeof startSx>>
    let sx: SxClient
    before(async () => {
      server = await startSx(dialect)
      sx = createClient({ baseUrl: server.baseUrl, apiKey: server.apiKey, retries: RETRIES })
    })
    after(() => server?.stop())

    /** The products of this shop named `name` (to count what a retried POST created). */
    async function productsNamed(name: string) {
      const found = []
      for await (const product of sx.paginate('/v1/products', { params: { query: { limit: 100 } } }))
        if (product.name === name) found.push(product)
      return found
    }

    it('makes typed calls: create, read, change, import stock, order and pay', async () => {
      const product = await sx.POST('/v1/products', {
        body: { name: unique(), type: 'license_key', price_cents: 1500, currency: 'USD' },
      })
      assert.match(product.id, /^prod_/)
      assert.equal(product.livemode, false)
      const stock = await sx.POST('/v1/products/{id}/stock', {
        params: { path: { id: product.id } },
        body: { items: ['KEY-1', 'KEY-2', 'KEY-1'] },
      })
      assert.deepEqual([stock.imported, stock.duplicates, stock.stock_after], [2, 1, 2])
      const changed = await sx.PATCH('/v1/products/{id}', {
        params: { path: { id: product.id } },
        body: { price_cents: 1200 },
      })
      assert.equal(changed.price_cents, 1200)
      assert.equal((await sx.GET('/v1/products/{id}', { params: { path: { id: product.id } } })).price_cents, 1200)

      const order = await sx.POST('/v1/orders', {
        body: { customer_email: 'buyer@example.com', items: [{ product_id: product.id, qty: 1 }] },
      })
      assert.equal(order.status, 'awaiting_payment')
      const paid = await sx.POST('/v1/test_helpers/orders/{id}/pay', { params: { path: { id: order.id } } })
      assert.ok(['paid', 'delivering', 'completed'].includes(paid.status), paid.status)
    })

    it('uploads a file product’s file (outside a browser through PUT), reporting progress at the end', async () => {
      const product = await sx.POST('/v1/products', {
        body: { name: unique(), type: 'file_download', price_cents: 900, currency: 'USD' },
      })
      const file = new Blob(['%PDF-1.4 the manual'])
      const progress: [number, number][] = []
      const uploaded = await sx.uploadFile({
        productId: product.id,
        file,
        filename: 'manual.pdf',
        onProgress: (sent, total) => progress.push([sent, total]),
      })
      assert.deepEqual(
        { ...uploaded.file, sha256: undefined },
        { name: 'manual.pdf', size: file.size, sha256: undefined },
      )
      assert.deepEqual(progress, [[file.size, file.size]])
      const wrongType = await sx.POST('/v1/products', {
        body: { name: unique(), type: 'physical', price_cents: 900, currency: 'USD' },
      })
      await assert.rejects(sx.uploadFile({ productId: wrongType.id, file, filename: 'x.bin' }), SxError)
    })

    it('throws SxError with the problem+json fields', async () => {
      const missing = await sx
        .GET('/v1/products/{id}', { params: { path: { id: 'prod_01J00000000000000000000000' } } })
        .catch((error: unknown) => error)
      assert.ok(missing instanceof SxError)
      assert.equal(missing.type, 'not_found')
      assert.equal(missing.status, 404)
      assert.equal(missing.title, 'Not found')
      assert.match(missing.detail, /prod_01J00000000000000000000000/)
      assert.ok(missing.trace_id.length > 0)

      const invalid = await sx
        .POST('/v1/products', { body: { name: '', type: 'license_key', price_cents: -1, currency: 'usd' } })
        .catch((error: unknown) => error)
      assert.ok(invalid instanceof SxError)
      assert.equal(invalid.type, 'unprocessable')
      assert.equal(invalid.status, 422)
      assert.ok(invalid.errors?.price_cents?.length, JSON.stringify(invalid.errors))

      const stranger = createClient({ baseUrl: server.baseUrl, apiKey: 'sx_test_000000000000000000000000' })
      await assert.rejects(stranger.GET('/v1/products'), { name: 'SxError', type: 'unauthenticated', status: 401 })
    })

    it('sends an Idempotency-Key on every POST; a caller-given key wins and replays', async () => {
      const proxy = await startProxy(server.baseUrl)
      const viaProxy = createClient({ baseUrl: proxy.url, apiKey: server.apiKey, retries: RETRIES })
      const body = { name: unique(), type: 'physical', price_cents: 100, currency: 'USD', stock: 3 } as const
      const first = await viaProxy.POST('/v1/products', { body, headers: { 'Idempotency-Key': 'caller-key-1' } })
      const again = await viaProxy.POST('/v1/products', { body, headers: { 'Idempotency-Key': 'caller-key-1' } })
      assert.equal(again.id, first.id)
      // The same key with another body is the caller's mistake: a 409 at once, not retried.
      await assert.rejects(
        viaProxy.POST('/v1/products', {
          body: { ...body, price_cents: 1 },
          headers: { 'Idempotency-Key': 'caller-key-1' },
        }),
        { name: 'SxError', type: 'conflict', status: 409 },
      )
      await viaProxy.POST('/v1/products', { body: { ...body, name: unique() } })
      await viaProxy.GET('/v1/products', { params: { query: { limit: 1 } } })
      const keys = proxy.seen.map((request) => request.idempotencyKey)
      assert.deepEqual(keys.slice(0, 3), ['caller-key-1', 'caller-key-1', 'caller-key-1'])
      assert.match(keys[3]!, /^sdk_[0-9a-f]{32}$/)
      assert.equal(keys[4], undefined, 'a GET carries no key')
      assert.equal(keys.length, 5)
    })

    // 409 with Retry-After is the server's answer while the same key is still running.
    const faults = [{ status: 503 }, { status: 429, retryAfter: '0' }, { status: 409, retryAfter: '0' }, 'lose-answer']
    for (const fault of faults as Fault[]) {
      it(`retries a POST after ${JSON.stringify(fault)} with the same key, and creates one object`, async () => {
        const proxy = await startProxy(server.baseUrl)
        const viaProxy = createClient({ baseUrl: proxy.url, apiKey: server.apiKey, retries: RETRIES })
        proxy.faults.push(fault)
        const name = unique()
        const product = await viaProxy.POST('/v1/products', {
          body: { name, type: 'physical', price_cents: 100, currency: 'USD', stock: 1 },
        })
        const posts = proxy.seen.filter((request) => request.method === 'POST')
        assert.equal(posts.length, 2)
        assert.ok(posts[0]!.idempotencyKey)
        assert.equal(posts[1]!.idempotencyKey, posts[0]!.idempotencyKey)
        assert.deepEqual(
          (await productsNamed(name)).map((p) => p.id),
          [product.id],
        )
      })
    }

    it('gives up after the retry budget with the last answer as an SxError', async () => {
      const proxy = await startProxy(server.baseUrl)
      const viaProxy = createClient({ baseUrl: proxy.url, apiKey: server.apiKey, retries: RETRIES })
      proxy.faults.push(
        { status: 503, retryAfter: '0' },
        { status: 503, retryAfter: '0' },
        { status: 503, retryAfter: '0' },
      )
      await assert.rejects(viaProxy.GET('/v1/balance'), {
        name: 'SxError',
        type: 'unavailable',
        status: 503,
        retryAfter: 0,
      })
      assert.equal(proxy.seen.length, 3)
      // A Retry-After longer than the client waits is answered at once, not slept through.
      proxy.faults.push({ status: 429, retryAfter: '3600' })
      await assert.rejects(viaProxy.GET('/v1/balance'), { type: 'rate_limited', retryAfter: 3600 })
      assert.equal(proxy.seen.length, 4)
    })

    it('iterates a cursor-paginated list across pages, newest first, with no repeats', async () => {
      const proxy = await startProxy(server.baseUrl)
      const viaProxy = createClient({ baseUrl: proxy.url, apiKey: server.apiKey })
      const created = []
      for (let i = 0; i < 5; i++)
        created.push(
          await sx.POST('/v1/products', {
            body: { name: unique(), type: 'physical', price_cents: 100, currency: 'USD', status: 'draft' },
          }),
        )
      const listed = []
      for await (const product of viaProxy.paginate('/v1/products', {
        params: { query: { status: 'draft', limit: 2 } },
      }))
        listed.push(product.id)
      assert.deepEqual(listed, created.map((product) => product.id).reverse())
      assert.equal(proxy.seen.length, 3, 'three pages of at most two')
    })
  })
}
