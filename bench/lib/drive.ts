// Driving load: autocannon in a child process (load.ts), so the load generator shares neither the
// event loop nor the CPU accounting of the servers under test; and single requests over real HTTP.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Options, Result } from 'autocannon'
import type { Answer } from '../load.ts'

export type LoadFigures = {
  req_per_s: number
  p50_ms: number
  p99_ms: number
  requests: number
  non2xx: number
  /** CPU the bench process (the servers) spent per answered request: steadier than req/s on a busy machine. */
  server_cpu_us_per_req: number
}

/** What each request sends (default: a GET without a body) and the one status every answer must have. */
export type LoadRequest = {
  method?: 'GET' | 'POST' | 'PATCH'
  /** JSON text; every `[<id>]` in it becomes a fresh unique id per request (see load.ts). */
  body?: string
  /** Default: any 2xx. */
  expectStatus?: number
  /** Seconds an answer may take before it counts as a timeout (autocannon's default: 10). */
  timeoutSeconds?: number
  /** A warm-up on a busy machine may see no answer within its 2 s (a slow path's queue): not an error there. */
  allowNoAnswers?: boolean
}

/**
 * autocannon in a child process (bench/load.ts), so the load generator shares neither the event
 * loop nor the CPU accounting of the servers under test. Throws when any answer was not 2xx (or
 * not `expectStatus`) or any connection failed.
 */
export async function load(
  url: string,
  seconds: number,
  headers: Record<string, string> = {},
  connections = 50,
  request: LoadRequest = {},
): Promise<LoadFigures> {
  const cpuBefore = process.cpuUsage()
  const { result } = await runAutocannon({ url, connections, duration: seconds, headers, ...requestOptions(request) })
  const cpu = process.cpuUsage(cpuBefore)
  const unexpected =
    request.expectStatus === undefined
      ? 0
      : Object.entries(result.statusCodeStats).reduce(
          (sum, [status, { count }]) => sum + (Number(status) === request.expectStatus ? 0 : count),
          0,
        )
  const failed = result.non2xx + result.errors + result.timeouts + unexpected
  if (failed > 0) {
    throw new Error(
      `load on ${url}: ${result.non2xx} non-2xx, ${unexpected} not ${request.expectStatus ?? '2xx'}, ` +
        `${result.errors} errors, ${result.timeouts} timeouts (status codes ${JSON.stringify(result.statusCodeStats)})`,
    )
  }
  if (result['2xx'] === 0 && !request.allowNoAnswers) throw new Error(`load on ${url}: no answers at all`)
  return {
    req_per_s: round(result.requests.average),
    p50_ms: round(result.latency.p50),
    p99_ms: round(result.latency.p99),
    requests: result['2xx'],
    non2xx: result.non2xx,
    server_cpu_us_per_req: round((cpu.user + cpu.system) / Math.max(1, result['2xx']), 1),
  }
}

/** What a flood did: answers per second and answers per status (none of them judged). */
export type FloodFigures = { req_per_s: number; requests: number; statuses: Record<string, number>; errors: number }

/**
 * Load whose answers are not judged: a flood of requests the server should refuse (autocannon in
 * the child process, as load()). A refused connection or one the server closes is counted, not thrown.
 */
export async function flood(
  url: string,
  seconds: number,
  headers: Record<string, string>,
  connections: number,
): Promise<FloodFigures> {
  const { result } = await runAutocannon({ url, connections, duration: seconds, headers })
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
  )
  const requests = Object.values(statuses).reduce((sum, count) => sum + count, 0)
  return { req_per_s: round(requests / seconds), requests, statuses, errors: result.errors + result.timeouts }
}

export type RaceResult = {
  /** From the first request sent to the last answer received. */
  ms: number
  p50_ms: number
  p99_ms: number
  /** Answers by HTTP status. */
  statuses: Record<string, number>
  errors: number
  timeouts: number
  answers: Answer[]
  server_cpu_us_per_req: number
}

/**
 * Exactly `amount` requests over `connections` connections (autocannon in the child process, as
 * load()), every answer's status and body returned. Does not judge the statuses: the caller does.
 */
export async function race(
  url: string,
  amount: number,
  connections: number,
  headers: Record<string, string>,
  request: LoadRequest,
): Promise<RaceResult> {
  const cpuBefore = process.cpuUsage()
  const { result, answers } = await runAutocannon({
    url,
    connections,
    amount,
    headers,
    ...requestOptions(request),
    collectAnswers: true,
  })
  const cpu = process.cpuUsage(cpuBefore)
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
  )
  return {
    ms: new Date(result.finish).getTime() - new Date(result.start).getTime(),
    p50_ms: round(result.latency.p50),
    p99_ms: round(result.latency.p99),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    answers: answers ?? [],
    server_cpu_us_per_req: round((cpu.user + cpu.system) / Math.max(1, answers?.length ?? 0), 1),
  }
}

function requestOptions({ method, body, timeoutSeconds }: LoadRequest): Partial<Options> {
  return {
    method,
    ...(body === undefined ? {} : { body }),
    ...(timeoutSeconds === undefined ? {} : { timeout: timeoutSeconds }),
  }
}

/** A bench/ helper process (`./load.ts`, `./receiver.ts`: relative to bench/) with an IPC channel. */
export function forkHelper(file: string): ChildProcess {
  // The child runs TypeScript through the same loader (tsx) as this process, without profiling flags.
  return fork(fileURLToPath(new URL(`../${file}`, import.meta.url)), [], {
    execArgv: process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof')),
  })
}

function runAutocannon(
  options: Options & { collectAnswers?: boolean },
): Promise<{ result: Result; answers?: Answer[] }> {
  const child = forkHelper('./load.ts')
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: Result; answers?: Answer[]; error?: string }) =>
      message.result
        ? resolve({ result: message.result, answers: message.answers })
        : reject(new Error(`autocannon: ${message.error}`)),
    )
    child.once('exit', (code) => reject(new Error(`autocannon child exited with ${code} before answering`)))
    child.send(options)
  })
}

/** Same load, shorter, to warm the JIT, SQLite's page cache and the connections' code paths. */
export async function warmUp(
  url: string,
  headers: Record<string, string> = {},
  request: LoadRequest = {},
): Promise<void> {
  await load(url, 2, headers, 50, { ...request, allowNoAnswers: true })
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now()
  const value = await work()
  return { ms: round(performance.now() - started), value }
}

/** POSTs JSON over real HTTP and returns the parsed answer; throws on a non-2xx. */
export async function postJson(url: string, key: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 500)}`)
  return JSON.parse(text)
}

export async function getJson(url: string, key: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } })
  const text = await response.text()
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`)
  return JSON.parse(text)
}

/** Sends JSON over real HTTP and returns the status and parsed answer, whatever the status. */
export async function send(
  url: string,
  key: string,
  method: 'GET' | 'POST',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/** A new customer per order (autocannon puts a fresh id in place of [<id>]): the insert path, the costlier one. */
export const BUYER_EMAIL = 'buyer-[<id>]@example.com'

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits
