// The typed catalogues (issue 11 item 3). Job kinds: one list (`platform/jobs/kinds.ts`), and the
// worker holds a handler for each and nothing else. The `@ts-expect-error` lines are part of the
// test: `tsc` (CI's typecheck covers test/) fails when one of them stops being an error, i.e.
// when a handler set missing a kind, or an unknown kind, would compile again.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, startTestEnv, type TestEnv } from './harness.ts'
import { jobHandlers } from '../src/worker.ts'
import { JOB_KINDS } from '../src/platform/jobs/kinds.ts'
import { enqueue } from '../src/platform/jobs/queue.ts'
import type { JobHandler, JobHandlers } from '../src/platform/jobs/runner.ts'

const noop: JobHandler = async () => {}

/** Compile-time checks only: never called. */
export function typeChecks(env: TestEnv): void {
  // @ts-expect-error a handler set without 'housekeeping' is not the runner's JobHandlers
  const missing: JobHandlers = { 'order.expire': noop, 'order.deliver': noop, 'mail.send': noop, 'subscription.renew': noop, 'refund.send': noop, 'payout.send': noop }
  // @ts-expect-error enqueue takes a kind of the catalogue only
  void enqueue(env.services.db, { kind: 'order.expired', ref: 'x', runAt: 0 })
  void missing
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: job catalogue`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    it('the worker has a handler for every kind of the catalogue and for nothing else', () => {
      const handlers = jobHandlers(env.services)
      assert.deepEqual(Object.keys(handlers).sort(), [...JOB_KINDS].sort())
      for (const kind of JOB_KINDS) assert.equal(typeof handlers[kind], 'function', kind)
    })
  })
}
