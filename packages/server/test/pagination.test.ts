// Cursor pagination (API.md "Pagination", standards.md §4): complete walks, walks while rows are
// inserted and deleted, limit and cursor validation, and cursors that cross filters, shops or modes.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, problem, sampleProduct, startTestEnv, type Client, type TestEnv } from './harness.ts'

type Listed = { id: string }
type Page = { object: string; has_more: boolean; next_cursor: string | null; data: Listed[] }

const NO_LIMITS = { RATE_LIMIT_WRITES: '100000', RATE_LIMIT_READS: '100000' }
const ALL_ABILITIES = [
  'orders:read',
  'orders:write',
  'products:read',
  'products:write',
  'customers:read',
  'payouts:read',
  'payouts:write',
  'webhooks:read',
  'webhooks:write',
]

/** GETs one page and checks the envelope rules that hold for every page. */
async function getPage(api: Client, url: string): Promise<Page> {
  const res = await api.get(url)
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`)
  const page = res.json() as Page
  assert.equal(page.object, 'list')
  assert.equal(page.next_cursor === null, !page.has_more, 'next_cursor is null exactly when has_more is false')
  return page
}

/** Follows next_cursor to the end; `between` runs after each page (to change rows mid-walk). */
async function walk(
  api: Client,
  path: string,
  limit: number | null,
  between?: (page: Page) => Promise<void>,
): Promise<Page[]> {
  const pages: Page[] = []
  const sep = path.includes('?') ? '&' : '?'
  let cursor: string | null = null
  do {
    const params = [limit === null ? '' : `limit=${limit}`, cursor ? `cursor=${encodeURIComponent(cursor)}` : '']
      .filter(Boolean)
      .join('&')
    const page = await getPage(api, params ? `${path}${sep}${params}` : path)
    pages.push(page)
    cursor = page.next_cursor
    if (between && cursor) await between(page)
  } while (cursor)
  return pages
}

/** Every page but the last is full; the last is not empty unless it is the only one. */
function assertPageSizes(pages: Page[], limit: number): void {
  pages.slice(0, -1).forEach((page, i) => assert.equal(page.data.length, limit, `page ${i} is full`))
  const last = pages[pages.length - 1]!
  assert.ok(last.data.length <= limit)
  if (pages.length > 1) assert.ok(last.data.length > 0, 'has_more promised another item')
}

const ids = (pages: Page[]) => pages.flatMap((p) => p.data.map((item) => item.id))

async function createProducts(
  api: Client,
  n: number,
  overrides: (i: number) => Record<string, unknown> = () => ({}),
): Promise<string[]> {
  const created: string[] = []
  for (let i = 0; i < n; i++) {
    const res = await api.post('/v1/products', sampleProduct({ name: `Product ${i}`, ...overrides(i) }))
    assert.equal(res.statusCode, 201)
    created.push(res.json().id)
  }
  return created
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: pagination`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect, NO_LIMITS)
    })
    after(() => env.close())

    it('walks every page newest first, without gaps or repeats, for any limit', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const empty = await walk(api, '/v1/products', 10)
      assert.deepEqual(
        empty.map((p) => p.data.length),
        [0],
      )

      const newestFirst = (await createProducts(api, 57)).reverse()
      for (const limit of [10, 1, 100, 57, 56, 19, null]) {
        const pages = await walk(api, '/v1/products', limit)
        assertPageSizes(pages, limit ?? 25)
        assert.deepEqual(ids(pages), newestFirst, `limit ${limit}`)
      }
      assert.equal((await getPage(api, '/v1/products')).data.length, 25, 'default limit is 25')
    })

    it('walks a filtered list with cursors that keep the filter', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const created = await createProducts(api, 20, (i) => ({
        status: i % 3 === 0 ? 'draft' : 'active',
        type: i % 2 ? 'account' : 'license_key',
      }))
      const drafts = created.filter((_, i) => i % 3 === 0).reverse()
      const draftAccounts = created.filter((_, i) => i % 3 === 0 && i % 2).reverse()
      const pages = await walk(api, '/v1/products?status=draft', 2)
      assertPageSizes(pages, 2)
      assert.deepEqual(ids(pages), drafts)
      assert.deepEqual(ids(await walk(api, '/v1/products?type=account&status=draft', 1)), draftAccounts)
    })

    it('keeps a walk exact while rows are inserted, archived and deleted between pages', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const initial = (await createProducts(api, 40)).reverse()
      const deleted = new Set<string>()
      const archived: string[] = []
      const seen: string[] = []
      const pages = await walk(api, '/v1/products', 7, async (page) => {
        seen.push(...page.data.map((p) => p.id))
        await createProducts(api, 2)
        const unseen = initial.filter((id) => !seen.includes(id) && !deleted.has(id))
        // Delete rows ahead of the cursor, behind it, and the very row the cursor names; archive one.
        const doomed = [unseen[3], seen[0], page.data[page.data.length - 1]!.id].filter((id): id is string => !!id)
        await env.services.db.deleteFrom('products').where('id', 'in', doomed).execute()
        doomed.forEach((id) => deleted.add(id))
        if (unseen[0]) {
          assert.equal((await api.delete(`/v1/products/${unseen[0]}`)).statusCode, 200)
          archived.push(unseen[0])
        }
      })
      const walked = ids(pages)
      assert.equal(new Set(walked).size, walked.length, 'no item repeats')
      const survivors = initial.filter((id) => !deleted.has(id) || seen.includes(id))
      // An item seen before it was deleted was listed once; every other survivor must appear once too.
      assert.deepEqual(
        walked.filter((id) => initial.includes(id)),
        survivors,
      )
      assert.ok(
        walked.every((id) => initial.includes(id)),
        'items created after the first page sort ahead of the cursor',
      )
      assert.ok(deleted.size >= 8, `the walk changed under it: ${deleted.size} deleted`)
      for (const id of archived.filter((id) => !deleted.has(id)))
        assert.ok(walked.includes(id), 'archived products stay listed')
    })

    it('rejects a bad limit with 422 errors.limit', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      for (const path of ['/v1/products', '/v1/api-keys']) {
        for (const limit of ['0', '101', '-1', '1.5', 'abc', '']) {
          const body = problem(await api.get(`${path}?limit=${limit}`), 422, 'unprocessable')
          assert.ok(body.errors?.limit, `${path} limit=${limit}: ${JSON.stringify(body.errors)}`)
        }
      }
    })

    it('rejects a garbage or tampered cursor with 422 errors.cursor, never 500', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      await createProducts(api, 3)
      const good = (await getPage(api, '/v1/products?limit=1')).next_cursor!
      const decoded = JSON.parse(Buffer.from(good, 'base64url').toString('utf8'))
      const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
      const bad = [
        'garbage',
        '!!!',
        '',
        good.slice(0, -6),
        `${good.slice(0, 10)}${good.slice(11)}`,
        'x'.repeat(513),
        forge({ ...decoded, v: 2 }),
        forge({ ...decoded, last: "prod_' or 1=1 --" }),
        forge({ ...decoded, last: 42 }),
        forge({ ...decoded, f: 'somewhere-else' }),
        forge([decoded]),
        forge(null),
        Buffer.from('\u0000\uffff').toString('base64url'),
      ]
      for (const cursor of bad) {
        for (const path of ['/v1/products', '/v1/api-keys']) {
          const res = await api.get(`${path}?cursor=${encodeURIComponent(cursor)}`)
          assert.ok(problem(res, 422, 'unprocessable').errors?.cursor, `${path} cursor ${JSON.stringify(cursor)}`)
        }
      }
      assert.equal((await getPage(api, `/v1/products?cursor=${good}`)).data.length, 2, 'the genuine cursor still works')
    })

    it('refuses a cursor under other filters', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      await createProducts(api, 4, (i) => ({ type: i % 2 ? 'account' : 'license_key' }))
      const fromActive = (await getPage(api, '/v1/products?status=active&limit=1')).next_cursor!
      assert.ok(
        problem(await api.get(`/v1/products?type=account&cursor=${fromActive}`), 422, 'unprocessable').errors?.cursor,
      )
      assert.ok(problem(await api.get(`/v1/products?cursor=${fromActive}`), 422, 'unprocessable').errors?.cursor)
      assert.equal((await getPage(api, `/v1/products?status=active&cursor=${fromActive}`)).data.length, 3)
      const unfiltered = (await getPage(api, '/v1/products?limit=1')).next_cursor!
      assert.ok(
        problem(await api.get(`/v1/products?status=active&cursor=${unfiltered}`), 422, 'unprocessable').errors?.cursor,
      )
      assert.ok(
        problem(await api.get(`/v1/api-keys?cursor=${unfiltered}`), 422, 'unprocessable').errors?.cursor,
        'cursors do not cross lists',
      )
    })

    it("leaks nothing when one shop or mode uses another's cursor", async () => {
      const a = await env.newShop()
      const b = await env.newShop()
      const apiA = client(env.app, a.keys.test)
      const apiB = client(env.app, b.keys.test)
      const liveA = client(env.app, a.keys.live)
      const olderB = await createProducts(apiB, 3)
      const olderLiveA = await createProducts(liveA, 2)
      await createProducts(apiA, 30)
      await createProducts(apiB, 3)
      const cursorA = (await getPage(apiA, '/v1/products?limit=10')).next_cursor!
      // A's cursor points into the middle of A's rows; B and A's live mode see only their own older rows.
      assert.deepEqual(ids(await walk(apiB, `/v1/products?cursor=${cursorA}`, 100)), [...olderB].reverse())
      assert.deepEqual(ids(await walk(liveA, `/v1/products?cursor=${cursorA}`, 100)), [...olderLiveA].reverse())
    })

    it('pages API keys by the same rules, also when keys are revoked mid-walk', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const minted: string[] = []
      for (let i = 0; i < 12; i++) {
        const res = await api.post('/v1/api-keys', {
          name: `key ${i}`,
          abilities: i % 2 ? ['products:read'] : ALL_ABILITIES,
        })
        assert.equal(res.statusCode, 201)
        minted.push(res.json().id)
      }
      const full = ids(await walk(api, '/v1/api-keys', 100))
      assert.equal(full.length, 13, "the 12 minted keys and the shop's own test key")
      assert.deepEqual(full.slice(0, 12), [...minted].reverse())
      assert.deepEqual([...full].sort().reverse(), full, 'newest first')
      for (const limit of [5, 1, 13, null]) {
        const pages = await walk(api, '/v1/api-keys', limit)
        assertPageSizes(pages, limit ?? 25)
        assert.deepEqual(ids(pages), full)
      }

      const revoked = new Set<string>()
      const seen: string[] = []
      const pages = await walk(api, '/v1/api-keys', 4, async (page) => {
        seen.push(...page.data.map((k) => k.id))
        const target = full.find((id) => !seen.includes(id) && !revoked.has(id) && minted.includes(id))
        if (target) {
          assert.equal((await api.delete(`/v1/api-keys/${target}`)).statusCode, 200)
          revoked.add(target)
        }
        await api.post('/v1/api-keys', { name: 'late', abilities: ['products:read'] })
      })
      assert.deepEqual(
        ids(pages),
        full.filter((id) => !revoked.has(id)),
      )
    })
  })
}
