// The job runner while its database is down: it backs off (longer and longer waits, capped) and
// says so once when the queue goes away and once when it answers again, instead of a stack
// trace per poll. Turns are counted through an injected sleep, so no test waits on the clock.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KyselyPlugin } from 'kysely'
import { DIALECTS, createDatabase } from './harness.ts'
import { connect } from '../src/db/connect.ts'
import { createSecretBox } from '../src/platform/secret-box.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { systemClock } from '../src/platform/clock.ts'
import { createOutage, describeOutage } from '../src/platform/jobs/outage.ts'
import { enqueue, type Job } from '../src/platform/jobs/queue.ts'
import { createJobRunner, MAX_OUTAGE_BACKOFF_MS, type JobHandlers } from '../src/platform/jobs/runner.ts'
import { JOB_KINDS } from '../src/platform/jobs/kinds.ts'

/** Every query fails as a refused connection while `down` holds. */
function outageSwitch() {
  const state = { down: false }
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  return { state, plugin }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: job runner during a database outage`, () => {
    it(
      'backs off while the queue is unreachable, logs one line going down and one coming back, then runs the jobs',
      { timeout: 30_000 },
      async () => {
        const database = await createDatabase(dialect)
        const { db } = connect(database.url)
        try {
          await migrateToLatest(db, createSecretBox('outage test'))
          const outage = outageSwitch()
          const failing = db.withPlugin(outage.plugin)
          const errors: unknown[] = []
          const lines: string[] = []
          const waits: number[] = []
          const ran: string[] = []
          let turns = 0
          let runner: ReturnType<typeof createJobRunner>
          const TURNS_DOWN = 40
          const done = new Promise<void>((resolve) => {
            runner = createJobRunner({
              db: failing,
              dialect,
              clock: systemClock,
              pollMs: 500,
              leaseMs: 60_000,
              concurrency: 2,
              // The runner takes a handler for every kind of the catalogue; each records what ran.
              handlers: Object.fromEntries(
                JOB_KINDS.map((kind) => [kind, async (job: Job) => void ran.push(job.ref)]),
              ) as JobHandlers,
              onError: (error) => errors.push(error),
              outage: createOutage({
                baseMs: 500,
                maxMs: MAX_OUTAGE_BACKOFF_MS,
                now: () => systemClock.now(),
                report: (change) => lines.push(describeOutage(change)),
              }),
              // Each turn of the loop ends in a sleep: record it, and move the outage along by turns.
              sleep: {
                async sleep(ms) {
                  turns++
                  if (outage.state.down) waits.push(ms)
                  if (turns === 1) outage.state.down = true
                  if (turns === TURNS_DOWN) {
                    outage.state.down = false
                    await enqueue(db, { kind: 'order.expire', ref: 'after-outage', runAt: systemClock.now() })
                  }
                  if (ran.length > 0) resolve()
                  await new Promise((next) => setImmediate(next))
                },
                wake() {},
              },
            })
            runner.start()
          })
          await done
          await runner!.stop()

          assert.deepEqual(errors, [], 'no error per poll')
          assert.equal(lines.length, 2, lines.join('\n'))
          assert.match(lines[0]!, /job queue is unreachable \(connect ECONNREFUSED 127\.0\.0\.1:5432\); backing off/)
          assert.match(lines[1]!, /job queue answers again/)
          assert.ok(waits.length >= TURNS_DOWN - 2, `every turn while down waited (${waits.length})`)
          assert.deepEqual(waits.slice(0, 5), [500, 1000, 2000, 4000, 8000], 'the waits double')
          assert.ok(
            waits.every((ms) => ms <= MAX_OUTAGE_BACKOFF_MS),
            'and stay capped',
          )
          assert.equal(Math.max(...waits), MAX_OUTAGE_BACKOFF_MS)
          assert.deepEqual(ran, ['after-outage'], 'the queue works again afterwards')
        } finally {
          await db.destroy()
          await database.drop()
        }
      },
    )
  })
}
