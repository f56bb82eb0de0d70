// `npm run bench`: throughput and p99 of GET /v1/products against a bare-fastify baseline, and the
// wall time of a 100,000-item stock import. Prints figures (and one JSON line with --json); it
// throws when a request fails or an answer is wrong, but a missed target is only reported.
import { cpus, loadavg } from 'node:os'
import {
  getJson, licenseKeys, load, postJson, round, seedProducts, startBaseline, startDbBaseline, startSx, startSxReplica, timed, warmUp, type Sx,
} from './lib.ts'

type Figures = Record<string, number | string | boolean>
type Context = { sx: Sx; seconds: number; auth: Record<string, string>; listBody: unknown }
type Run = { name: string; what: string; run(ctx: Context): Promise<Figures> }
type Target = { name: string; met: boolean; detail: string }

const SEED_PRODUCTS = 10_000
const ITEMS_PER_POOL_PRODUCT = 5
const IMPORT_ITEMS = 100_000
const LIST_PATH = '/v1/products?limit=25'

/** Each run returns its figures; later benches append to this list. */
const RUNS: Run[] = [
  {
    name: 'sx_list',
    what: `sx GET ${LIST_PATH} (auth, rate limit, SQLite, 10k products)`,
    run: async ({ sx, seconds, auth }) => {
      await warmUp(sx.url + LIST_PATH, auth)
      return load(sx.url + LIST_PATH, seconds, auth)
    },
  },
  {
    name: 'sx_list_uncached',
    what: `the same on a second sx with READ_CACHE_ENTRIES=0 (every request queries SQLite)`,
    run: async ({ sx, seconds, auth }) => {
      const replica = await startSxReplica(sx, { READ_CACHE_ENTRIES: '0' })
      try {
        await warmUp(replica.url + LIST_PATH, auth)
        return await load(replica.url + LIST_PATH, seconds, auth)
      } finally {
        await replica.close()
      }
    },
  },
  {
    name: 'baseline',
    what: 'bare fastify, same JSON body from memory',
    run: async ({ seconds, listBody }) => {
      const baseline = await startBaseline(listBody)
      try {
        await warmUp(baseline.url)
        return await load(baseline.url, seconds)
      } finally {
        await baseline.close()
      }
    },
  },
  {
    name: 'baseline_db',
    what: 'bare fastify + prepared SQLite key lookup and the same list SQL (the floor with a database)',
    run: async ({ sx, seconds, auth, listBody }) => {
      const baseline = await startDbBaseline(sx.services.config.db.url.slice('sqlite:'.length))
      try {
        // Same products, same fields: otherwise the comparison is not like for like.
        const own = (await getJson(baseline.url, sx.testKey)) as { data: unknown }
        if (JSON.stringify(own.data) !== JSON.stringify((listBody as { data: unknown }).data)) {
          throw new Error(`baseline_db lists other data than sx: ${JSON.stringify(own.data).slice(0, 300)}`)
        }
        await warmUp(baseline.url, auth)
        return await load(baseline.url, seconds, auth)
      } finally {
        await baseline.close()
      }
    },
  },
  {
    name: 'stock_import',
    what: `POST /v1/products/{id}/stock, ${IMPORT_ITEMS.toLocaleString('en')} new items, then the same again`,
    run: async ({ sx }) => {
      const product = (await postJson(`${sx.url}/v1/products`, sx.testKey, {
        name: 'Bench Import Target', type: 'license_key', price_cents: 999, currency: 'USD',
      })) as { id: string }
      const items = licenseKeys(IMPORT_ITEMS)
      const url = `${sx.url}/v1/products/${product.id}/stock`
      const first = await timed(() => postJson(url, sx.testKey, { items }))
      expectImport(first.value, { imported: IMPORT_ITEMS, duplicates: 0, stock_after: IMPORT_ITEMS })
      const again = await timed(() => postJson(url, sx.testKey, { items }))
      expectImport(again.value, { imported: 0, duplicates: IMPORT_ITEMS, stock_after: IMPORT_ITEMS })
      return { import_ms: first.ms, reimport_ms: again.ms }
    },
  },
]

function expectImport(actual: unknown, expected: { imported: number; duplicates: number; stock_after: number }): void {
  const got = actual as Record<string, unknown>
  const wrong = Object.entries(expected).filter(([field, value]) => got[field] !== value)
  if (wrong.length > 0) throw new Error(`stock import answered ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`)
}

function targets(results: Record<string, Figures>): Target[] {
  const sx = results.sx_list!
  const base = results.baseline!
  const ratio = round(Number(sx.req_per_s) / Number(base.req_per_s), 3)
  const imp = results.stock_import!
  return [
    { name: 'sx throughput ≥ 50% of baseline', met: ratio >= 0.5, detail: `${round(ratio * 100, 1)}%` },
    { name: 'sx p99 < 25 ms', met: Number(sx.p99_ms) < 25, detail: `${sx.p99_ms} ms` },
    { name: '100k stock import < 3 s', met: Number(imp.import_ms) < 3000, detail: `${imp.import_ms} ms` },
  ]
}

function printTable(results: Record<string, Figures>, checks: Target[]): void {
  const rows = [['run', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'server CPU µs/req'], ...['sx_list', 'sx_list_uncached', 'baseline', 'baseline_db'].map((name) => {
    const f = results[name]!
    return [name, f.req_per_s, f.p50_ms, f.p99_ms, f.requests, f.server_cpu_us_per_req].map(String)
  })]
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)))
  for (const row of rows) console.log('  ' + row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '))
  const sx = results.sx_list!
  const base = results.baseline!
  console.log(`  ratio sx/baseline throughput: ${round(Number(sx.req_per_s) / Number(base.req_per_s), 3)}` +
    ` (by server CPU per request: ${round(Number(base.server_cpu_us_per_req) / Number(sx.server_cpu_us_per_req), 3)})`)
  const db = results.baseline_db!
  console.log(`  ratio sx/baseline_db throughput: ${round(Number(sx.req_per_s) / Number(db.req_per_s), 3)}` +
    ` (by server CPU per request: ${round(Number(db.server_cpu_us_per_req) / Number(sx.server_cpu_us_per_req), 3)})`)
  const uncached = results.sx_list_uncached!
  console.log(`  ratio sx uncached/baseline throughput: ${round(Number(uncached.req_per_s) / Number(base.req_per_s), 3)}` +
    ` (by server CPU per request: ${round(Number(base.server_cpu_us_per_req) / Number(uncached.server_cpu_us_per_req), 3)})`)
  const imp = results.stock_import!
  console.log(`  stock import 100k new: ${imp.import_ms} ms; 100k duplicates: ${imp.reimport_ms} ms`)
  console.log('')
  for (const check of checks) console.log(`  ${check.met ? 'MET   ' : 'MISSED'} ${check.name} (${check.detail})`)
}

async function main(): Promise<void> {
  // `npm run bench -- --json` hands --json to the inner npm, which passes it on as npm_config_json.
  const json = process.argv.includes('--json') || process.env.npm_config_json === 'true'
  const seconds = Number(process.env.BENCH_SECONDS ?? 10)
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('BENCH_SECONDS must be a positive number')
  const machine = {
    cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform,
    // Other work on a shared machine skews req/s; the load average says how busy it was.
    loadavg_1m_start: round(loadavg()[0]!),
  }
  console.log(`sx bench — ${machine.cpus} CPUs (${machine.cpu_model}), node ${machine.node}, load average ${machine.loadavg_1m_start}, ` +
    `${seconds} s per load run, 50 connections`)

  const sx = await startSx()
  try {
    const seed = await timed(() => seedProducts(sx.services.db, sx.shopId, SEED_PRODUCTS, ITEMS_PER_POOL_PRODUCT))
    console.log(`seeded ${SEED_PRODUCTS} products (+${ITEMS_PER_POOL_PRODUCT} stock items per pool product) in ${seed.ms} ms`)
    const auth = { authorization: `Bearer ${sx.testKey}` }
    const listBody = await getJson(sx.url + LIST_PATH, sx.testKey)
    if ((listBody as { data: unknown[] }).data.length !== 25) throw new Error(`expected 25 products, got ${JSON.stringify(listBody).slice(0, 300)}`)
    const ctx: Context = { sx, seconds, auth, listBody }

    const results: Record<string, Figures> = {}
    for (const run of RUNS) {
      console.log(`run ${run.name}: ${run.what}`)
      results[run.name] = await run.run(ctx)
    }
    console.log('')
    const checks = targets(results)
    printTable(results, checks)
    const loadEnd = round(loadavg()[0]!)
    const busy = Math.max(machine.loadavg_1m_start, loadEnd) > machine.cpus
    console.log(`  load average at the end: ${loadEnd}${busy ? ` (above ${machine.cpus}: other work competed for the CPUs; trust the ratios)` : ''}`)
    if (json) console.log(JSON.stringify({ date: new Date().toISOString(), machine: { ...machine, loadavg_1m_end: loadEnd }, seconds, runs: results, targets: checks }))
  } finally {
    await sx.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
