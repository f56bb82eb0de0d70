// Subscription periods, pure: one interval on from a UTC instant (month ends clamp, leap years),
// and when the renewal invoice is made within a period (RENEWAL_NOTICE_SECONDS, capped at half).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { addInterval, renewalRunAt, type Interval } from './intervals.ts'

const at = (iso: string) => Date.parse(iso)
const after = (iso: string, interval: Interval) => new Date(addInterval(at(iso), interval)).toISOString()
const DAY = 86_400_000

test('day and week are exact lengths of time', () => {
  assert.equal(after('2026-03-28T10:00:00.000Z', 'day'), '2026-03-29T10:00:00.000Z')
  assert.equal(after('2026-12-31T23:59:59.999Z', 'day'), '2027-01-01T23:59:59.999Z')
  assert.equal(after('2026-02-25T00:00:00.000Z', 'week'), '2026-03-04T00:00:00.000Z')
  assert.equal(addInterval(0, 'week') - addInterval(0, 'day'), 6 * DAY)
})

test('a month keeps the day of the month and the time of day', () => {
  assert.equal(after('2026-01-15T08:30:15.123Z', 'month'), '2026-02-15T08:30:15.123Z')
  assert.equal(after('2026-12-15T00:00:00.000Z', 'month'), '2027-01-15T00:00:00.000Z', 'across the year end')
  assert.equal(after('2026-12-31T12:00:00.000Z', 'month'), '2027-01-31T12:00:00.000Z')
})

test("a month from a day the next month lacks ends on that month's last day", () => {
  assert.equal(after('2025-01-31T12:00:00.000Z', 'month'), '2025-02-28T12:00:00.000Z', 'Jan 31 + 1 month, common year')
  assert.equal(after('2024-01-31T12:00:00.000Z', 'month'), '2024-02-29T12:00:00.000Z', 'Jan 31 + 1 month, leap year')
  assert.equal(after('2024-01-30T00:00:00.000Z', 'month'), '2024-02-29T00:00:00.000Z')
  assert.equal(after('2026-03-31T00:00:00.000Z', 'month'), '2026-04-30T00:00:00.000Z')
  assert.equal(after('2026-05-31T00:00:00.000Z', 'month'), '2026-06-30T00:00:00.000Z')
  assert.equal(after('2026-08-31T00:00:00.000Z', 'month'), '2026-09-30T00:00:00.000Z')
  assert.equal(after('2026-10-31T00:00:00.000Z', 'month'), '2026-11-30T00:00:00.000Z')
  assert.equal(after('2100-01-31T00:00:00.000Z', 'month'), '2100-02-28T00:00:00.000Z', '2100 is not a leap year')
  assert.equal(after('2000-01-31T00:00:00.000Z', 'month'), '2000-02-29T00:00:00.000Z', '2000 is')
})

test('renewals chain from the previous end, so a clamped day stays clamped', () => {
  // Each period starts where the last one ended (see the subscription strategy): Jan 31 → Feb 28 → Mar 28.
  let end = at('2026-01-31T00:00:00.000Z')
  const ends: string[] = []
  for (let i = 0; i < 3; i++) ends.push(new Date((end = addInterval(end, 'month'))).toISOString().slice(0, 10))
  assert.deepEqual(ends, ['2026-02-28', '2026-03-28', '2026-04-28'])
})

test('a year keeps the date, and Feb 29 becomes Feb 28', () => {
  assert.equal(after('2026-06-15T09:00:00.000Z', 'year'), '2027-06-15T09:00:00.000Z')
  assert.equal(after('2024-02-29T09:00:00.000Z', 'year'), '2025-02-28T09:00:00.000Z')
  assert.equal(
    after('2023-02-28T09:00:00.000Z', 'year'),
    '2024-02-28T09:00:00.000Z',
    'Feb 28 stays Feb 28 into a leap year',
  )
  assert.equal(after('2026-12-31T23:00:00.000Z', 'year'), '2027-12-31T23:00:00.000Z')
})

test('every interval moves forward by at least a day and at most a year and a day', () => {
  const starts = [
    '2024-01-31T00:00:00.000Z',
    '2024-02-29T00:00:00.000Z',
    '2025-12-31T23:59:59.999Z',
    '2026-07-01T12:00:00.000Z',
  ].map(at)
  for (const start of starts) {
    for (const interval of ['day', 'week', 'month', 'year'] as const) {
      const length = addInterval(start, interval) - start
      assert.ok(
        length >= DAY && length <= 366 * DAY,
        `${new Date(start).toISOString()} + ${interval} = ${length / DAY} days`,
      )
    }
  }
  assert.equal(addInterval(at('2025-01-31T00:00:00.000Z'), 'month') - at('2025-01-31T00:00:00.000Z'), 28 * DAY)
})

test('the renewal invoice comes RENEWAL_NOTICE before the end', () => {
  const start = at('2026-01-01T00:00:00.000Z')
  const end = addInterval(start, 'month')
  assert.equal(renewalRunAt(start, end, 3 * DAY), end - 3 * DAY)
  assert.equal(renewalRunAt(start, end, 0), end, 'RENEWAL_NOTICE_SECONDS=0: at the end itself')
  assert.equal(renewalRunAt(start, end, 1), end - 1)
})

test('a notice longer than half the period is cut to the midpoint', () => {
  const start = at('2026-01-01T00:00:00.000Z')
  const daily = addInterval(start, 'day')
  assert.equal(
    renewalRunAt(start, daily, 3 * DAY),
    start + DAY / 2,
    'a daily plan with the 3-day default renews at noon',
  )
  assert.equal(renewalRunAt(start, daily, DAY / 2), start + DAY / 2, 'exactly half')
  assert.equal(renewalRunAt(start, daily, DAY / 2 - 1), start + DAY / 2 + 1, 'just under half is kept')
  const weekly = addInterval(start, 'week')
  assert.equal(renewalRunAt(start, weekly, 3 * DAY), weekly - 3 * DAY, 'a week has room for three days')
  assert.equal(renewalRunAt(start, weekly, 30 * DAY), start + 3.5 * DAY)
  // An odd length rounds the notice down: the run never falls before the midpoint.
  assert.equal(renewalRunAt(0, 3, 10), 2)
  for (const notice of [0, 1, DAY, 3 * DAY, 365 * DAY]) {
    const run = renewalRunAt(start, daily, notice)
    assert.ok(run >= start + DAY / 2 && run <= daily, `notice ${notice}: ${run - start} ms into the period`)
  }
})
