// The invoice state machine, pure: every status against short, exact, tolerated and over payments,
// confirmed or not. Counting a transaction once is the caller's job (payment.service dedupes by
// hash before it sums `received`), so here `received` is simply the total seen.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  INVOICE_STATUSES,
  afterPayment,
  becamePaid,
  overpaid,
  remaining,
  type InvoiceFacts,
  type InvoiceStatus,
} from './invoice-state.ts'

const facts = (overrides: Partial<InvoiceFacts>): InvoiceFacts => ({
  status: 'new',
  due: 1000n,
  received: 0n,
  tolerance: 0n,
  confirmed: true,
  ...overrides,
})

test('an open invoice follows the money: nothing, short, enough unconfirmed, enough confirmed', () => {
  for (const status of ['new', 'partially_paid', 'processing'] as const) {
    assert.equal(afterPayment(facts({ status, received: 0n })), 'new', `${status}, nothing received`)
    assert.equal(afterPayment(facts({ status, received: 1n })), 'partially_paid', `${status}, 1 unit`)
    assert.equal(afterPayment(facts({ status, received: 999n })), 'partially_paid', `${status}, 1 unit short`)
    assert.equal(
      afterPayment(facts({ status, received: 1000n, confirmed: false })),
      'processing',
      `${status}, exact, unconfirmed`,
    )
    assert.equal(afterPayment(facts({ status, received: 1000n })), 'settled', `${status}, exact, confirmed`)
    assert.equal(afterPayment(facts({ status, received: 5000n })), 'settled', `${status}, overpaid`)
    assert.equal(
      afterPayment(facts({ status, received: 5000n, confirmed: false })),
      'processing',
      `${status}, overpaid, unconfirmed`,
    )
  }
})

test('a chain watcher walks new → partially_paid → processing → settled', () => {
  const steps: { received: bigint; confirmed: boolean; expect: InvoiceStatus }[] = [
    { received: 400n, confirmed: true, expect: 'partially_paid' },
    { received: 1000n, confirmed: false, expect: 'processing' },
    { received: 1000n, confirmed: true, expect: 'settled' },
  ]
  let status: InvoiceStatus = 'new'
  const seen: InvoiceStatus[] = [status]
  for (const step of steps) {
    status = afterPayment(facts({ status, received: step.received, confirmed: step.confirmed }))
    assert.equal(status, step.expect)
    seen.push(status)
  }
  assert.deepEqual(seen, ['new', 'partially_paid', 'processing', 'settled'])
})

test('the tolerance counts as paid down to due - tolerance and not one unit below', () => {
  assert.equal(afterPayment(facts({ received: 990n, tolerance: 10n })), 'settled')
  assert.equal(afterPayment(facts({ received: 989n, tolerance: 10n })), 'partially_paid')
  assert.equal(afterPayment(facts({ status: 'expired', received: 990n, tolerance: 10n })), 'paid_late')
  assert.equal(afterPayment(facts({ status: 'expired', received: 989n, tolerance: 10n })), 'expired')
})

test('an expired invoice becomes paid_late only when enough arrived, confirmed or not', () => {
  assert.equal(afterPayment(facts({ status: 'expired', received: 0n })), 'expired')
  assert.equal(afterPayment(facts({ status: 'expired', received: 999n })), 'expired')
  assert.equal(afterPayment(facts({ status: 'expired', received: 1000n })), 'paid_late')
  assert.equal(afterPayment(facts({ status: 'expired', received: 1000n, confirmed: false })), 'paid_late')
  assert.equal(afterPayment(facts({ status: 'expired', received: 2000n })), 'paid_late')
})

test('settled and paid_late are final: more money, less money or an unconfirmed payment change nothing', () => {
  for (const status of ['settled', 'paid_late'] as const) {
    for (const received of [0n, 999n, 1000n, 5000n]) {
      for (const confirmed of [true, false]) {
        assert.equal(
          afterPayment(facts({ status, received, confirmed })),
          status,
          `${status} with ${received}, confirmed=${confirmed}`,
        )
      }
    }
  }
})

test('every status has an answer (the switch is exhaustive)', () => {
  for (const status of INVOICE_STATUSES) {
    assert.ok(INVOICE_STATUSES.includes(afterPayment(facts({ status, received: 1000n }))), status)
  }
})

test('becamePaid is true only on the step into settled', () => {
  for (const before of INVOICE_STATUSES) {
    for (const after of INVOICE_STATUSES) {
      assert.equal(becamePaid(before, after), after === 'settled' && before !== 'settled', `${before} → ${after}`)
    }
  }
  // Named cases, so a wrong table above cannot hide a wrong function.
  assert.equal(becamePaid('processing', 'settled'), true)
  assert.equal(
    becamePaid('settled', 'settled'),
    false,
    'a second payment on a settled invoice does not pay the order twice',
  )
  assert.equal(becamePaid('expired', 'paid_late'), false, 'a late payment does not deliver')
})

test('remaining and overpaid split the difference and never go negative', () => {
  assert.deepEqual([remaining(1000n, 0n), overpaid(1000n, 0n)], [1000n, 0n])
  assert.deepEqual([remaining(1000n, 999n), overpaid(1000n, 999n)], [1n, 0n])
  assert.deepEqual([remaining(1000n, 1000n), overpaid(1000n, 1000n)], [0n, 0n])
  assert.deepEqual([remaining(1000n, 1001n), overpaid(1000n, 1001n)], [0n, 1n])
  assert.deepEqual([remaining(1000n, 10n ** 30n), overpaid(1000n, 10n ** 30n)], [0n, 10n ** 30n - 1000n])
})
