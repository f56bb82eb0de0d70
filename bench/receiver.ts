// The webhook runs' receiver, in its own process so that its CPU is not spent on sx's event loop.
// It answers every request 200 "ok" at once, then records the event id (`webhook-id`), the body's
// `created_at` and the arrival time, and checks the signatures: every request's X-Signature by a
// hand-written HMAC (cheap), every SAMPLE_EVERY-th also with the public `standardwebhooks` verifier.
//
// IPC protocol: it sends { url } once listening; then each message from the bench gets one reply.
// { secret } → { ok } (sent before any event exists), { get: 'count' } → { distinct }, and
// { get: 'records' } → ReceiverReport.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export type ReceiverReport = {
  requests: number
  /** Requests for an event id already received. */
  duplicates: number
  /** No X-Signature entry matched the endpoint's secret. */
  bad_signatures: number
  standard_checked: number
  standard_failures: number
  /** Unparseable body, or a body whose id is not the `webhook-id` header. */
  malformed: number
  /** Per distinct event id, at its first arrival: [id, created_at ms, received ms]. */
  records: [string, number, number][]
}

const SAMPLE_EVERY = 100

let key: Buffer | null = null
let standard: Webhook | null = null
const firstArrival = new Map<string, [createdAt: number, receivedAt: number]>()
const report = {
  requests: 0,
  duplicates: 0,
  bad_signatures: 0,
  standard_checked: 0,
  standard_failures: 0,
  malformed: 0,
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    const receivedAt = Date.now()
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    record(req.headers, Buffer.concat(chunks).toString('utf8'), receivedAt)
  })
})

function record(headers: IncomingHttpHeaders, body: string, receivedAt: number): void {
  const index = report.requests++
  const id = String(headers['webhook-id'])
  if (!xSignatureMatches(String(headers['x-signature']), String(headers['x-webhook-timestamp']), body))
    report.bad_signatures++
  if (index % SAMPLE_EVERY === 0) {
    report.standard_checked++
    try {
      standard!.verify(body, headers as Record<string, string>)
    } catch {
      report.standard_failures++
    }
  }
  let event: { id?: unknown; created_at?: unknown }
  try {
    event = JSON.parse(body)
  } catch {
    event = {}
  }
  const createdAt = typeof event.created_at === 'string' ? Date.parse(event.created_at) : NaN
  if (event.id !== id || Number.isNaN(createdAt)) report.malformed++
  if (firstArrival.has(id)) report.duplicates++
  else firstArrival.set(id, [createdAt, receivedAt])
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, keyed by the base64 after `whsec_`, as the docs describe it. */
function xSignatureMatches(header: string, timestamp: string, body: string): boolean {
  if (key === null) return false
  const expected = Buffer.from(`sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`)
  return header.split(',').some((entry) => {
    const given = Buffer.from(entry.trim())
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

type Message = { secret: string } | { get: 'count' | 'records' }

process.on('message', (message: Message) => {
  if ('secret' in message) {
    key = Buffer.from(message.secret.slice('whsec_'.length), 'base64')
    standard = new Webhook(message.secret)
    return void process.send!({ ok: true })
  }
  if (message.get === 'count') return void process.send!({ distinct: firstArrival.size })
  const full: ReceiverReport = {
    ...report,
    records: [...firstArrival].map(([id, [createdAt, receivedAt]]) => [id, createdAt, receivedAt]),
  }
  process.send!(full)
})
// A receiver must not outlive the bench that started it, whatever way the bench ends.
process.on('disconnect', () => process.exit(0))
server.listen(0, '127.0.0.1', () =>
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` }),
)
