// Keyset pagination, pure: cursors made by toList read back by readPage for the same list and
// filters only; anything else is a 422 on `cursor`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from './errors.ts'
import { DEFAULT_LIMIT, readPage, toList, type Page } from './pagination.ts'

const ID = (n: number) => `prod_${String(n).padStart(26, '0')}`
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: ID(i) }))
const raw = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url')

/** Asserts readPage refuses the cursor with a 422 naming `cursor`, and returns the message. */
function refused(run: () => Page): string {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof AppError, `an AppError, got ${String(error)}`)
    assert.equal(error.status, 422)
    const messages = error.options.errors?.cursor
    assert.ok(messages && messages.length === 1, 'one message on `cursor`')
    return messages[0]!
  }
  assert.fail('the cursor was accepted')
}

test('without a cursor: the default or given limit, from the start', () => {
  assert.deepEqual(readPage({}, 'products'), { limit: DEFAULT_LIMIT, afterId: null, filterKey: 'products?{}' })
  assert.equal(readPage({ limit: 3 }, 'products').limit, 3)
})

test('toList trims the extra row, and its cursor reads back to the last id shown', () => {
  const page = readPage({ limit: 2 }, 'products', { status: 'active' })
  const list = toList(rows(3), page, (row) => row.id)
  assert.deepEqual(list.data, [ID(0), ID(1)])
  assert.equal(list.has_more, true)
  assert.equal(list.object, 'list')
  assert.ok(list.next_cursor)
  const next = readPage({ limit: 2, cursor: list.next_cursor }, 'products', { status: 'active' })
  assert.equal(next.afterId, ID(1))
  assert.equal(next.filterKey, page.filterKey)
})

test('the last page has no cursor: exactly `limit` rows or fewer', () => {
  const page = readPage({ limit: 2 }, 'products')
  assert.deepEqual(
    toList(rows(2), page, (r) => r.id),
    { object: 'list', has_more: false, next_cursor: null, data: [ID(0), ID(1)] },
  )
  const none: { id: string }[] = []
  assert.deepEqual(
    toList(none, page, (r) => r.id),
    { object: 'list', has_more: false, next_cursor: null, data: [] },
  )
})

test('filter order does not matter; another value, another filter or another list does', () => {
  const cursor = toList(
    rows(2),
    readPage({ limit: 1 }, 'orders', { status: 'paid', email: 'a@b.c' }),
    (r) => r.id,
  ).next_cursor!
  assert.equal(readPage({ cursor }, 'orders', { email: 'a@b.c', status: 'paid' }).afterId, ID(0))
  const different = 'was issued for different filters'
  assert.equal(
    refused(() => readPage({ cursor }, 'orders', { status: 'paid', email: 'x@b.c' })),
    different,
  )
  assert.equal(
    refused(() => readPage({ cursor }, 'orders', { status: 'paid' })),
    different,
  )
  assert.equal(
    refused(() => readPage({ cursor }, 'orders', { status: 'paid', email: 'a@b.c', chain: 'tron' })),
    different,
  )
  assert.equal(
    refused(() => readPage({ cursor }, 'refunds', { status: 'paid', email: 'a@b.c' })),
    different,
  )
})

test('malformed and tampered cursors are refused, never thrown as anything but a 422', () => {
  const notIssued = 'is not a cursor issued by this API'
  const cursors = {
    empty: '',
    'not base64url JSON': 'not-a-cursor',
    'JSON null': raw(null),
    'a number': raw(42),
    'another version': raw({ v: 2, last: ID(0), f: 'products?{}' }),
    'no version': raw({ last: ID(0), f: 'products?{}' }),
    'last not an id': raw({ v: 1, last: 'prod_1', f: 'products?{}' }),
    'last in lower case': raw({ v: 1, last: 'prod_01ARZ3NDEKTSV4RRFFQ69G5FAV'.toLowerCase(), f: 'products?{}' }),
    'last with SQL': raw({ v: 1, last: `${ID(0)}' or 1=1`, f: 'products?{}' }),
    'last a number': raw({ v: 1, last: 7, f: 'products?{}' }),
    'no filter key': raw({ v: 1, last: ID(0) }),
    'filter key an object': raw({ v: 1, last: ID(0), f: {} }),
    truncated: raw({ v: 1, last: ID(0), f: 'products?{}' }).slice(0, 20),
  }
  for (const [name, cursor] of Object.entries(cursors)) {
    assert.equal(
      refused(() => readPage({ cursor }, 'products')),
      notIssued,
      name,
    )
  }
  // The same shape with valid fields is accepted, so the refusals above are about the field each breaks.
  assert.equal(
    readPage({ cursor: raw({ v: 1, last: 'prod_01ARZ3NDEKTSV4RRFFQ69G5FAV', f: 'products?{}' }) }, 'products').afterId,
    'prod_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  )
})
