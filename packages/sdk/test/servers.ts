// What the SDK's tests run against: a real `sx serve` (spawned from the server's sources, as its
// own process tests do) on each dialect, a loopback proxy that can fail a request on purpose, and a
// loopback webhook receiver.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after } from 'node:test'
import { createDatabase, DIALECTS } from '../../server/test/harness.ts'
import { LISTENING, waitFor } from '../../server/test/processes.ts'

export { DIALECTS, waitFor }

const SX = new URL('../../server/test/sx.ts', import.meta.url).pathname

/**
 * `sx serve` on a fresh database of `dialect`, with its demo shop's test key (printed on the first
 * start). Call `stop` from the suite's `after` (the server's `runSx` registers its own `after`,
 * which from a `before` hook would stop the server as soon as the hook ends).
 */
export async function startSx(dialect: (typeof DIALECTS)[number]) {
  const database = await createDatabase(dialect)
  const env = { DATABASE_URL: database.url, SX_DATA_DIR: database.dataDir, PORT: '0', JOB_POLL_MS: '50' }
  const child = spawn(process.execPath, ['--import', 'tsx', SX, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  const exited = once(child, 'exit')
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    await database.drop()
  }
  try {
    await waitFor(() => child.exitCode !== null || (LISTENING.test(stdout) && /sx_test_\w+/.test(stdout)), 'sx serve')
    if (child.exitCode !== null) throw new Error(`sx serve exited with ${child.exitCode}: ${stdout}`)
  } catch (error) {
    await stop()
    throw error
  }
  return { baseUrl: stdout.match(LISTENING)![1]!, apiKey: stdout.match(/sx_test_\w+/)![0], stop }
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** What the proxy does with the next request: pass it on, answer a status itself, or pass it on and hang up before the answer. */
export type Fault = { status: 409 | 429 | 503; retryAfter?: string } | 'lose-answer'

/** A proxy in front of sx that applies `faults` to the next requests, in order, and records every request. */
export async function startProxy(target: string) {
  const faults: Fault[] = []
  const seen: { method: string; path: string; idempotencyKey: string | undefined }[] = []
  const server = createServer((req, res) => {
    const key = req.headers['idempotency-key']
    seen.push({ method: req.method!, path: req.url!, idempotencyKey: typeof key === 'string' ? key : undefined })
    const fault = faults.shift()
    if (fault !== undefined && fault !== 'lose-answer') {
      res.writeHead(fault.status, {
        'content-type': 'text/plain',
        ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }),
      })
      return void res.end('refused by the test proxy')
    }
    const upstream = httpRequest(new URL(req.url!, target), { method: req.method, headers: req.headers }, (answer) => {
      // The server did the work; the client never hears about it.
      if (fault === 'lose-answer') return void (answer.resume(), req.socket.destroy())
      res.writeHead(answer.statusCode!, answer.headers)
      answer.pipe(res)
    })
    req.pipe(upstream)
  })
  return { url: await listen(server), faults, seen }
}

export type Delivery = { headers: IncomingHttpHeaders; body: string }

/** A webhook endpoint on loopback that answers 200 and keeps every delivery's headers and raw body. */
export async function startReceiver() {
  const deliveries: Delivery[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.end('ok')
    })
  })
  return { url: await listen(server), deliveries }
}
