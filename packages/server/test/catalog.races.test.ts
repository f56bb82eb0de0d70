// The catalog version under load: checkouts and merchant PATCHes of the same products race over
// real sockets while cached lists are read. Each transaction moves the shop's version once, last,
// so nothing deadlocks (no 40P01, no 500) and the cached list after the race is the database's
// truth. Then which writes move the version at all: only those that change what a reader sees.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, listen, sampleProduct, startTestEnv, type TestEnv } from './harness.ts'
import { NO_LIMITS, SHIP_TO, newProduct, order, settle } from './orders-helpers.ts'
import { waitFor } from './processes.ts'

const TTL_SECONDS = 600
const CHECKOUTS = 48
const PATCHES = 24
const READS = 24

type Listed = { id: string; name: string; price_cents: number; stock: number | null }

for (const dialect of DIALECTS) {
  describe(`${dialect}: catalog version races`, () => {
    let env: TestEnv
    let base: string
    let skewMs = 0
    const clock = { now: () => Date.now() + skewMs }
    before(async () => {
      env = await startTestEnv(dialect, { ...NO_LIMITS, ORDER_TTL_SECONDS: String(TTL_SECONDS) }, { clock })
      base = await listen(env.app)
    })
    after(() => env.close())

    it('checkouts and PATCHes of the same products: no deadlock, no 500, the cached list right after', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const send = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${shop.keys.test}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        return { status: res.status, body: await res.text() }
      }
      const keys = Array.from({ length: 12 }, (_, i) => `RACE-KEY-${i}`)
      const products = [
        await newProduct(api, { name: 'Key A' }, keys.slice(0, 6)),
        await newProduct(api, { name: 'Key B' }, keys.slice(6)),
        await newProduct(api, sampleProduct({ type: 'physical', name: 'Poster C', stock: 10 })),
        await newProduct(api, sampleProduct({ type: 'physical', name: 'Poster D', stock: 10 })),
      ]
      // A key and both posters each, the posters listed in both orders: checkout must lock them in
      // one order anyway (two counters locked in opposite orders would deadlock on PostgreSQL).
      const checkout = (i: number) => {
        const posters = i % 2 === 0 ? [products[2]!, products[3]!] : [products[3]!, products[2]!]
        return send('POST', '/v1/orders', {
          customer_email: `racer${i % 5}@example.com`,
          items: [products[i % 2]!, ...posters].map((product_id) => ({ product_id, qty: 1 })),
          shipping_address: SHIP_TO,
        })
      }
      const patch = (i: number) => {
        const id = products[i % 4]!
        const counted = i % 4 >= 2
        return send('PATCH', `/v1/products/${id}`, {
          name: `Renamed ${i}`,
          price_cents: 1000 + i,
          ...(counted ? { stock: 4 + (i % 5) } : {}),
        })
      }
      const list = () => send('GET', '/v1/products')
      await list()
      const answers = await Promise.all([
        ...Array.from({ length: CHECKOUTS }, (_, i) => checkout(i).then((a) => ({ ...a, what: 'checkout' }))),
        ...Array.from({ length: PATCHES }, (_, i) => patch(i).then((a) => ({ ...a, what: 'patch' }))),
        ...Array.from({ length: READS }, () => list().then((a) => ({ ...a, what: 'list' }))),
      ])
      const wrong = answers.filter((a) => (a.what === 'checkout' ? ![201, 409].includes(a.status) : a.status !== 200))
      assert.deepEqual(wrong, [], 'every checkout is made or sold out, every PATCH and read answered')
      assert.ok(
        answers.some((a) => a.what === 'checkout' && a.status === 201),
        'some checkouts got stock',
      )

      // The truth, from an instance without a cache, and the cached list of the one that served the race.
      const uncached = client((await env.spawnApp({ READ_CACHE_ENTRIES: '0' })).app, shop.keys.test)
      const shown = async (from: typeof api) =>
        (await from.get('/v1/products')).json<{ data: Listed[] }>().data.map(({ id, name, price_cents, stock }) => ({
          id,
          name,
          price_cents,
          stock,
        }))
      const truth = await shown(uncached)
      assert.deepEqual(await shown(api), truth, 'the cached list is the database as it is')
      const available = await env.services.db
        .selectFrom('stock_items')
        .select((eb) => ['product_id', eb.fn.countAll<number>().as('n')])
        .where('product_id', 'in', products.slice(0, 2))
        .where('status', '=', 'available')
        .groupBy('product_id')
        .execute()
      for (const { product_id, n } of available)
        assert.equal(truth.find((p) => p.id === product_id)?.stock, Number(n), 'pool stock as the items say')
    })

    it('moves the version only when what a reader sees changes, once per transaction', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const version = async () =>
        Number(
          (
            await env.services.db
              .selectFrom('catalog_versions')
              .select('version')
              .where('shop_id', '=', shop.shop.id)
              .where('livemode', '=', 0)
              .executeTakeFirst()
          )?.version ?? 0,
        )
      const keyed = await newProduct(api, { name: 'Key' }, ['V-1', 'V-2'])
      const unlimited = await newProduct(api, sampleProduct({ type: 'physical', name: 'Print' }))
      const moves = async (what: string, step: () => Promise<unknown>, expected: number) => {
        const before = await version()
        await step()
        assert.equal((await version()) - before, expected, what)
      }
      let paid = ''
      await moves(
        'a checkout that takes a key',
        async () => (paid = (await order(api, [{ product_id: keyed, qty: 1 }])).id),
        1,
      )
      await moves(
        'a checkout that takes nothing a reader sees (unlimited)',
        () => order(api, [{ product_id: unlimited, qty: 1 }], { shipping_address: SHIP_TO }),
        0,
      )
      await moves(
        'paying and delivering a reserved key',
        async () => {
          await api.post(`/v1/test_helpers/orders/${paid}/pay`, {})
          assert.equal((await settle(api, paid)).status, 'completed')
        },
        0,
      )
      await moves(
        'a PATCH of name and stock together',
        () => api.patch(`/v1/products/${unlimited}`, { name: 'P', stock: 3 }),
        1,
      )
      await moves(
        'a PATCH that sets the stock it already has',
        () => api.patch(`/v1/products/${unlimited}`, { stock: 3 }),
        1,
      )
      const unpaid = await order(
        api,
        [
          { product_id: keyed, qty: 1 },
          { product_id: unlimited, qty: 2 },
        ],
        { shipping_address: SHIP_TO },
      )
      await moves(
        'an unpaid order expiring gives its key and units back',
        async () => {
          skewMs += (TTL_SECONDS + 1) * 1000
          await waitFor(
            async () => (await api.get(`/v1/orders/${unpaid.id}`)).json<{ status: string }>().status === 'failed',
            'the order to expire',
          )
        },
        1,
      )
      assert.equal((await api.get(`/v1/products/${keyed}`)).json<{ stock: number }>().stock, 1)
      assert.equal((await api.get(`/v1/products/${unlimited}`)).json<{ stock: number }>().stock, 3)
    })
  })
}
