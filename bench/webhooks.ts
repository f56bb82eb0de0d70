// The webhook runs: 10,000 `product.updated` events (PATCH /v1/products/{id}) delivered to a
// receiver in its own process (receiver.ts). `webhook_delivery` is the live stream: sx's in-process
// worker sends while the events are being written. `webhook_drain` is a backlog written with no
// worker running, then drained by a separate `sx worker`. Each run a fresh sx on a database of its own.
// They throw on a non-200 PATCH, a lost event, a duplicate, a bad signature or a database that
// disagrees with the receiver; the rate target is only reported (run.ts).
import { startSx, type Figures, type Run, type Sx } from './lib/boot.ts'
import type { Dialect } from './lib/databases.ts'
import { postJson, race, round, warmUp, type LoadRequest, type RaceResult } from './lib/drive.ts'
import { startReceiver, startSxWorker, type Receiver, type SxWorker } from './lib/processes.ts'
import { seedProducts } from './lib/seed.ts'
import type { ReceiverReport } from './receiver.ts'

const EVENTS = 10_000
const CONNECTIONS = 50
const ARRIVAL_TIMEOUT_MS = 120_000
/** The receiver checks every 100th request with `standardwebhooks` (receiver.ts). */
const STANDARD_SAMPLE_EVERY = 100

export const WEBHOOK_RUNS: Run[] = [
  {
    name: 'webhook_delivery',
    what:
      `${EVENTS.toLocaleString('en')} PATCH /v1/products/{id} (${CONNECTIONS} connections) on sx with its worker in process, ` +
      'each product.updated event POSTed to a receiver in another process (live stream)',
    run: ({ dialect }) => liveStream(dialect, 'in-process'),
  },
  {
    name: 'webhook_delivery_worker',
    what: `the same live stream with the sending in a separate \`sx worker\` process (SX_WORKER=off on the API), as an operator scales it`,
    run: ({ dialect }) => liveStream(dialect, 'separate'),
  },
  {
    name: 'webhook_drain',
    what: `${EVENTS.toLocaleString('en')} product.updated events written with no worker running, then drained by a separate \`sx worker\``,
    run: ({ dialect }) => drain(dialect),
  },
]

/** `in-process`: the API's own worker sends (sx serve's default); `separate`: an `sx worker` process does. */
async function liveStream(dialect: Dialect, worker: 'in-process' | 'separate'): Promise<Figures> {
  const workerErrors: string[] = []
  const sx = await startSx(
    dialect,
    worker === 'in-process' ? { worker: { onError: (error) => void workerErrors.push(String(error)) } } : {},
  )
  const receiver = await startReceiver()
  const separate = worker === 'separate' ? await startSxWorker(sx) : null
  try {
    const patch = await patchTarget(sx)
    // Warms the PATCH path before the endpoint exists: these events are relayed to no one.
    await warmUp(patch.url, patch.headers, patch.request)
    // The warm-up's last requests may still be committing when it returns.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    await waitFor(async () => (await undispatchedEvents(sx)) === 0, 'the warm-up events to be relayed', 10_000)
    const since = await subscribe(sx, receiver)
    const cpuBefore = process.cpuUsage()
    const patches = await race(patch.url, EVENTS, CONNECTIONS, patch.headers, patch.request)
    await waitForArrivals(receiver)
    // The receiver has them before their outcomes are written; the audit wants the written state.
    // (Still pending after that is reported by the checks.)
    await waitFor(
      async () => (await auditDatabase(sx)).queue.pending === undefined,
      'the last outcomes to be recorded',
      10_000,
    ).catch(() => {})
    // sx's CPU (PATCHes, relay, sends, outcomes) per event: steadier than the rates on a busy machine.
    // With a separate worker this is the API process alone.
    const cpu = process.cpuUsage(cpuBefore)
    await separate?.stop()
    const outcome = await collect(sx, receiver, since, patches)
    check(`webhook_delivery (${worker})`, outcome, separate?.errors() ? [separate.errors()] : workerErrors)
    const latencies = outcome.report.records
      .map(([, createdAt, receivedAt]) => receivedAt - createdAt)
      .sort((a, b) => a - b)
    const firstCreated = Math.min(...outcome.report.records.map(([, createdAt]) => createdAt))
    const streamMs = lastReceipt(outcome.report) - firstCreated
    return {
      ...counts(outcome),
      deliveries_per_s: round(EVENTS / (streamMs / 1000)),
      stream_ms: streamMs,
      p50_ms: percentile(latencies, 0.5),
      p99_ms: percentile(latencies, 0.99),
      max_ms: latencies.at(-1)!,
      patch_per_s: round(EVENTS / (patches.ms / 1000)),
      patch_p99_ms: patches.p99_ms,
      server_cpu_us_per_event: round((cpu.user + cpu.system) / EVENTS, 1),
    }
  } finally {
    await separate?.stop()
    await receiver.close()
    await sx.close()
  }
}

async function drain(dialect: Dialect): Promise<Figures> {
  const sx = await startSx(dialect) // no worker in process: SX_WORKER=off
  const receiver = await startReceiver()
  let worker: SxWorker | null = null
  try {
    const patch = await patchTarget(sx)
    const since = await subscribe(sx, receiver)
    const patches = await race(patch.url, EVENTS, CONNECTIONS, patch.headers, patch.request)
    const waiting = await undispatchedEvents(sx)
    if (waiting !== EVENTS)
      throw new Error(`webhook_drain: expected ${EVENTS} events waiting for a worker, found ${waiting}`)
    worker = await startSxWorker(sx)
    await waitForArrivals(receiver)
    // A graceful stop waits for the last outcomes to be written.
    await worker.stop()
    const outcome = await collect(sx, receiver, since, patches)
    check('webhook_drain', outcome, worker.errors() ? [worker.errors()] : [])
    const firstReceipt = Math.min(...outcome.report.records.map(([, , receivedAt]) => receivedAt))
    const drainMs = lastReceipt(outcome.report) - worker.readyAt
    return {
      ...counts(outcome),
      deliveries_per_s: round(EVENTS / (drainMs / 1000)),
      drain_ms: drainMs,
      worker_boot_ms: worker.readyAt - worker.spawnedAt,
      first_receipt_after_ms: firstReceipt - worker.readyAt,
      patch_per_s: round(EVENTS / (patches.ms / 1000)),
      patch_cpu_us_per_event: patches.server_cpu_us_per_req,
    }
  } finally {
    await worker?.stop()
    await receiver.close()
    await sx.close()
  }
}

type Patch = { url: string; headers: Record<string, string>; request: LoadRequest }

/** PATCHes of one product's name, each answered 200 and each writing one `product.updated` event. */
async function patchTarget(sx: Sx): Promise<Patch> {
  // Inserted as the seed does, not POSTed: no product.created event, so exactly EVENTS events go out.
  await seedProducts(sx.services.db, sx.services.secretBox, sx.shopId, 1, 0)
  const product = await sx.services.db
    .selectFrom('products')
    .select('id')
    .where('shop_id', '=', sx.shopId)
    .executeTakeFirstOrThrow()
  return {
    url: `${sx.url}/v1/products/${product.id}`,
    headers: { authorization: `Bearer ${sx.testKey}`, 'content-type': 'application/json' },
    request: { method: 'PATCH', body: JSON.stringify({ name: 'Bench Webhook Product [<id>]' }), expectStatus: 200 },
  }
}

/** Creates the endpoint and hands its secret to the receiver; answers when it was created (events after it are the run's). */
async function subscribe(sx: Sx, receiver: Receiver): Promise<number> {
  const endpoint = (await postJson(`${sx.url}/v1/webhooks`, sx.testKey, {
    url: receiver.url,
    events: ['product.*'],
    description: 'bench receiver',
  })) as { signing_secret: string }
  await receiver.ask({ secret: endpoint.signing_secret })
  return Date.now()
}

/** Until the receiver has every event, or ARRIVAL_TIMEOUT_MS; what is missing then is reported as lost. */
async function waitForArrivals(receiver: Receiver): Promise<void> {
  await waitFor(
    async () => (await receiver.ask<{ distinct: number }>({ get: 'count' })).distinct >= EVENTS,
    'deliveries',
    ARRIVAL_TIMEOUT_MS,
  ).catch(() => {})
}

type Audit = { queue: Record<string, number>; attempts: number; succeeded: number; attempted_events: number }
type Outcome = { report: ReceiverReport; written: string[]; patches: RaceResult; audit: Audit }

async function collect(sx: Sx, receiver: Receiver, since: number, patches: RaceResult): Promise<Outcome> {
  const report = await receiver.ask<ReceiverReport>({ get: 'records' })
  const written = await sx.services.db
    .selectFrom('events')
    .select('id')
    .where('type', '=', 'product.updated')
    .where('created_at', '>=', since)
    .execute()
  return { report, written: written.map((row) => row.id), patches, audit: await auditDatabase(sx) }
}

/** What sx stored: its send queue by status and its attempt log (the run's endpoint is the only one). */
async function auditDatabase(sx: Sx): Promise<Audit> {
  const db = sx.services.db
  const queue = await db
    .selectFrom('webhook_queue')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute()
  const log = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => [
      eb.fn.countAll<number>().as('attempts'),
      eb.fn.sum<number>('succeeded').as('succeeded'),
      eb.fn.count<number>('event_id').distinct().as('events'),
    ])
    .executeTakeFirstOrThrow()
  return {
    queue: Object.fromEntries(queue.map((row) => [row.status, Number(row.n)])),
    attempts: Number(log.attempts),
    succeeded: Number(log.succeeded ?? 0),
    attempted_events: Number(log.events),
  }
}

async function undispatchedEvents(sx: Sx): Promise<number> {
  const row = await sx.services.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dispatched_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Prints every check; throws when any failed. */
function check(run: string, { report, written, patches, audit }: Outcome, workerErrors: string[]): void {
  const writtenIds = new Set(written)
  const receivedIds = new Set(report.records.map(([id]) => id))
  const lost = written.filter((id) => !receivedIds.has(id))
  const strangers = report.records.filter(([id]) => !writtenIds.has(id)).length
  const checks: [string, boolean, string][] = [
    [
      `${EVENTS} PATCH answers, all 200`,
      patches.statuses['200'] === EVENTS &&
        patches.answers.length === EVENTS &&
        patches.errors + patches.timeouts === 0,
      `statuses ${JSON.stringify(patches.statuses)}, ${patches.errors} errors, ${patches.timeouts} timeouts`,
    ],
    [`${EVENTS} product.updated events written`, written.length === EVENTS, `${written.length}`],
    ['nothing lost: every event received', lost.length === 0, `${lost.length} lost ${lost.slice(0, 5).join(' ')}`],
    ['nothing received that was not written', strangers === 0, `${strangers}`],
    // Every answer was 200 and nothing crashed, so at-least-once leaves no room for a second send.
    ['no duplicates', report.duplicates === 0, `${report.duplicates} of ${report.requests} requests`],
    [
      'every X-Signature valid (hand-written HMAC)',
      report.bad_signatures === 0,
      `${report.bad_signatures} bad of ${report.requests}`,
    ],
    [
      `standardwebhooks verifies every ${STANDARD_SAMPLE_EVERY}th`,
      report.standard_failures === 0 && report.standard_checked >= EVENTS / STANDARD_SAMPLE_EVERY,
      `${report.standard_failures} failed of ${report.standard_checked}`,
    ],
    ['every body names its webhook-id and has a created_at', report.malformed === 0, `${report.malformed} malformed`],
    [
      `database: ${EVENTS} webhook_queue rows, all delivered`,
      audit.queue.delivered === EVENTS && Object.keys(audit.queue).length === 1,
      JSON.stringify(audit.queue),
    ],
    [
      `database: ${EVENTS} webhook_deliveries attempts, all succeeded, one per event`,
      audit.attempts === EVENTS && audit.succeeded === EVENTS && audit.attempted_events === EVENTS,
      `${audit.attempts} attempts, ${audit.succeeded} succeeded, ${audit.attempted_events} events`,
    ],
    ['the worker reported no errors', workerErrors.length === 0, workerErrors.slice(0, 2).join(' | ').slice(0, 500)],
  ]
  for (const [name, ok, detail] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name} (${detail})`)
  const failed = checks.filter(([, ok]) => !ok)
  if (failed.length > 0)
    throw new Error(
      `${run}: ${failed.length} check(s) failed: ${failed.map(([name, , detail]) => `${name} (${detail})`).join('; ')}`,
    )
}

function counts({ report }: Outcome): Figures {
  return {
    events: EVENTS,
    delivered: report.records.length,
    duplicates: report.duplicates,
    lost: EVENTS - report.records.length,
    bad_signatures: report.bad_signatures,
    standard_checked: report.standard_checked,
    standard_failures: report.standard_failures,
  }
}

const lastReceipt = (report: ReceiverReport) => Math.max(...report.records.map(([, , receivedAt]) => receivedAt))

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
}

async function waitFor(predicate: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
