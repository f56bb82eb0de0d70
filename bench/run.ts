// `npm run bench`: every row on each dialect of BENCH_DIALECTS (default sqlite,postgres), each
// dialect's rows on fresh databases (PostgreSQL: `sx_bench_<pid>_<rand>` on BENCH_DATABASE_URL's
// server, dropped afterwards). The rows: the product list against bare-fastify floors, a 100,000-item
// stock import, order creation, 1,000 buyers racing for 100 keys (audited), webhook deliveries
// live and from a backlog, a real key under floods, and the growth rows (orders with 50k pending
// jobs, key checkout with 90% of the pool sold, the full buyer flow, an idle process's queries), and the
// chain watcher's cost with 1k and 10k open invoices on a local EVM node, and the shop page of 1,000 products.
// BENCH_ONLY=name,name runs only those. Prints figures, then one table of every target per dialect
// (and one JSON line with --json); it throws when a request fails or an answer or the stored state
// is wrong, but a missed target is only reported.
import { cpus, loadavg } from 'node:os'
import { BUYER_FLOW } from './buyer-flow.ts'
import { CHECKOUT_CONTENTION } from './contention.ts'
import { FLOOD_REAL_KEY } from './floods.ts'
import { GROWTH_RUNS } from './growth.ts'
import { IDLE_QUERIES } from './idle.ts'
import { startSx, type Context, type Run } from './lib/boot.ts'
import { benchDialects, usePostgresServer, type Dialect } from './lib/databases.ts'
import { getJson, round, timed } from './lib/drive.ts'
import { printDialect, printTargets, ran, type Results, type Target } from './lib/report.ts'
import { seedProducts } from './lib/seed.ts'
import { LIST_PATH, READ_RUNS } from './reads.ts'
import { SHOP_PAGE } from './shop-page.ts'
import { SUMMARY, TARGETS } from './targets.ts'
import { WATCHER_SCAN } from './watcher.ts'
import { WEBHOOK_RUNS } from './webhooks.ts'
import { WRITE_RUNS } from './writes.ts'

const SEED_PRODUCTS = 10_000
const ITEMS_PER_POOL_PRODUCT = 5

/** Each run returns its figures; later benches append to this list (long ones in their own file). */
const RUNS: Run[] = [
  ...READ_RUNS,
  ...WRITE_RUNS,
  CHECKOUT_CONTENTION,
  ...WEBHOOK_RUNS,
  FLOOD_REAL_KEY,
  ...GROWTH_RUNS,
  BUYER_FLOW,
  IDLE_QUERIES,
  WATCHER_SCAN,
  SHOP_PAGE,
]

/** BENCH_ONLY=sx_list,webhook_drain: those runs alone, in RUNS order (the shared sx is still seeded). */
function selectRuns(only: string | undefined): Run[] {
  if (!only) return RUNS
  const names = only
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const unknown = names.filter((name) => !RUNS.some((run) => run.name === name))
  if (unknown.length > 0)
    throw new Error(
      `BENCH_ONLY names unknown runs: ${unknown.join(', ')} (known: ${RUNS.map((run) => run.name).join(', ')})`,
    )
  return RUNS.filter((run) => names.includes(run.name))
}

/** One dialect's rows on a fresh, seeded sx (the rows that need their own boot one themselves). */
async function runDialect(dialect: Dialect, runs: Run[], seconds: number): Promise<Results> {
  const sx = await startSx(dialect)
  try {
    const seed = await timed(() =>
      seedProducts(sx.services.db, sx.services.secretBox, sx.shopId, SEED_PRODUCTS, ITEMS_PER_POOL_PRODUCT),
    )
    console.log(
      `\n${dialect}: seeded ${SEED_PRODUCTS} products (+${ITEMS_PER_POOL_PRODUCT} stock items per pool product) in ${seed.ms} ms`,
    )
    const auth = { authorization: `Bearer ${sx.testKey}` }
    const listBody = await getJson(sx.url + LIST_PATH, sx.testKey)
    if ((listBody as { data: unknown[] }).data.length !== 25)
      throw new Error(`expected 25 products, got ${JSON.stringify(listBody).slice(0, 300)}`)
    const ctx: Context = { dialect, sx, seconds, auth, listBody }
    const results: Results = {}
    for (const run of runs) {
      console.log(`${dialect} ${run.name}: ${run.what}`)
      results[run.name] = await run.run(ctx)
    }
    return results
  } finally {
    await sx.close()
  }
}

async function main(): Promise<void> {
  // `npm run bench -- --json` hands --json to the inner npm, which passes it on as npm_config_json.
  const json = process.argv.includes('--json') || process.env.npm_config_json === 'true'
  const seconds = Number(process.env.BENCH_SECONDS ?? 10)
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('BENCH_SECONDS must be a positive number')
  const runs = selectRuns(process.env.BENCH_ONLY)
  const { dialects, adminUrl } = benchDialects()
  usePostgresServer(adminUrl)
  const machine = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: process.platform,
    // Other work on a shared machine skews req/s; the load average says how busy it was.
    loadavg_1m_start: round(loadavg()[0]!),
  }
  console.log(
    `sx bench — ${machine.cpus} CPUs (${machine.cpu_model}), node ${machine.node}, load average ${machine.loadavg_1m_start}, ` +
      `${seconds} s per load run, 50 connections, dialects ${dialects.join(', ')}`,
  )

  // Each dialect's figures print as soon as its rows are done: a failure on the next keeps them.
  const results = new Map<Dialect, Results>()
  const targets = new Map<Dialect, Target[]>()
  for (const dialect of dialects) {
    const figures = await runDialect(dialect, runs, seconds)
    printDialect(dialect, figures, SUMMARY)
    results.set(dialect, figures)
    targets.set(dialect, ran(TARGETS, figures, dialect))
  }
  printTargets(targets)
  const loadEnd = round(loadavg()[0]!)
  const busy = Math.max(machine.loadavg_1m_start, loadEnd) > machine.cpus
  console.log(
    `  load average at the end: ${loadEnd}${busy ? ` (above ${machine.cpus}: other work competed for the CPUs; trust the ratios)` : ''}`,
  )
  if (json)
    console.log(
      JSON.stringify({
        date: new Date().toISOString(),
        machine: { ...machine, loadavg_1m_end: loadEnd },
        seconds,
        dialects: Object.fromEntries(
          dialects.map((dialect) => [dialect, { runs: results.get(dialect), targets: targets.get(dialect) }]),
        ),
      }),
    )
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
