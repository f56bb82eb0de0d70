// Printing: the load runs' table and summary lines of one dialect, then one table of every target
// with its figure and met/missed per dialect.
import type { Figures } from './boot.ts'
import type { Dialect } from './databases.ts'
import { round } from './drive.ts'

export type Results = Record<string, Figures>
/** One judged figure: `met` null when it cannot be judged on that dialect (n/a). */
export type Target = { row: string; target: string; figure: string; met: boolean | null }
/** A target or a summary line, shown only when the runs it needs ran. */
export type Needs<T> = { needs: string[]; make(results: Results, dialect: Dialect): T }

export function ran<T>(items: Needs<T>[], results: Results, dialect: Dialect): T[] {
  return items.filter(({ needs }) => needs.every((name) => name in results)).map(({ make }) => make(results, dialect))
}

/** Throughput of run a over run b, and the same by server CPU per request (steadier on a busy machine). */
export function ratios(results: Results, a: string, b: string): { req: number; cpu: number } {
  const [x, y] = [results[a]!, results[b]!]
  return {
    req: round(Number(x.req_per_s) / Number(y.req_per_s), 3),
    cpu: round(Number(y.server_cpu_us_per_req) / Number(x.server_cpu_us_per_req), 3),
  }
}

export const ratioLine = (label: string, a: string, b: string, note = ''): Needs<string> => ({
  needs: [a, b],
  make: (r) =>
    `ratio ${label} throughput: ${ratios(r, a, b).req} (by server CPU per request: ${ratios(r, a, b).cpu})${note}`,
})

const LOAD_RUNS = ['sx_list', 'sx_list_uncached', 'baseline', 'baseline_db', 'sx_order_create']

/** One dialect's load-run table and summary lines. */
export function printDialect(dialect: Dialect, results: Results, summary: Needs<string>[]): void {
  console.log(`\n${dialect}:`)
  printTable([
    ['run', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'server CPU µs/req'],
    ...LOAD_RUNS.filter((name) => name in results).map((name) => {
      const f = results[name]!
      return [name, f.req_per_s, f.p50_ms, f.p99_ms, f.requests, f.server_cpu_us_per_req].map(String)
    }),
  ])
  for (const line of ran(summary, results, dialect)) console.log(`  ${line}`)
}

/** Every target that ran, one line each: its figure and MET / MISSED / n/a on each dialect. */
export function printTargets(byDialect: Map<Dialect, Target[]>): void {
  const dialects = [...byDialect.keys()]
  const keys: string[] = []
  const cells = new Map<string, Map<Dialect, Target>>()
  for (const [dialect, targets] of byDialect)
    for (const target of targets) {
      const key = `${target.row}\u0000${target.target}`
      if (!cells.has(key)) {
        keys.push(key)
        cells.set(key, new Map())
      }
      cells.get(key)!.set(dialect, target)
    }
  const verdict = (t: Target | undefined) =>
    t === undefined ? '—' : `${t.figure} ${t.met === null ? 'n/a' : t.met ? 'MET' : 'MISSED'}`
  console.log('\ntargets:')
  printTable(
    [
      ['row', 'target', ...dialects],
      ...keys.map((key) => {
        const [row, target] = key.split('\u0000') as [string, string]
        return [row, target, ...dialects.map((dialect) => verdict(cells.get(key)!.get(dialect)))]
      }),
    ],
    2 + dialects.length,
  )
}

/** Columns before `left` are aligned left (names), the rest right (figures). */
function printTable(rows: string[][], left = 1): void {
  if (rows.length < 2) return
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)))
  for (const row of rows)
    console.log(
      '  ' + row.map((cell, col) => (col < left ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '),
    )
}
