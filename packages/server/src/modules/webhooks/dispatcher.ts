// The delivery engine of one worker process. A loop relays new events into the send queue and
// leases due rows in batches; sends go out concurrently (WEBHOOK_CONCURRENCY in all, at most
// WEBHOOK_ENDPOINT_CONCURRENCY per endpoint, endpoints taken in turn so a slow or flooded one
// cannot stall the rest), each endpoint's rows in event order. Outcomes are written in batches.
// A crash loses nothing: unsent or unrecorded rows are sent again once their lease passes.
import { randomUUID } from 'node:crypto'
import type { Services } from '../../services.ts'
import { eventsByIds } from './webhooks.repository.ts'
import { eventBody, type EndpointRow } from './webhooks.mappers.ts'
import { claimDue, nextDueAt, relayEvents, releaseLeases, type ClaimedRow } from './queue.repository.ts'
import { sendEvent, signingSecrets, type OutgoingEvent, type SendTarget } from './send.ts'
import { settle, type Outcome } from './settle.ts'
import { createWakeableSleep } from '../../platform/jobs/wakeable-sleep.ts'

export type Dispatcher = { start(): void; nudge(): void; stop(): Promise<void> }

type Item = { row: ClaimedRow; event: OutgoingEvent; target: SendTarget }

const RELAY_BATCH = 500
/** When busy, loop turns are at least this far apart, so relays and claims batch up. */
const BUSY_GAP_MS = 5

export function createWebhookDispatcher(services: Services, onError: (error: unknown) => void): Dispatcher {
  const { db, dialect, clock, config } = services
  const workerId = randomUUID()
  const { concurrency, endpointConcurrency, timeoutMs } = config.webhooks
  const perEndpointBuffer = endpointConcurrency * 4
  const buffers = new Map<string, Item[]>()
  const activeByEndpoint = new Map<string, number>()
  const disabled = new Set<string>()
  const sends = new Set<Promise<void>>()
  let outcomes: Outcome[] = []
  let flushing: Promise<void> | null = null
  let buffered = 0
  let inFlight = 0
  let running = false
  const { sleep, wake } = createWakeableSleep()
  let loopDone: Promise<void> = Promise.resolve()

  async function loop(): Promise<void> {
    while (running) {
      let busy = false
      try {
        busy = (await relayEvents(db, dialect, clock.now(), RELAY_BATCH)) > 0
        if (buffered < concurrency) busy = (await refill()) > 0 || busy
      } catch (error) {
        onError(error)
      }
      pump()
      // A busy gap is not cut short by nudges: that is what lets relays and claims batch up.
      if (busy) await new Promise((resolve) => setTimeout(resolve, BUSY_GAP_MS))
      else await sleep(await idleDelay())
    }
  }

  async function refill(): Promise<number> {
    const now = clock.now()
    const full = [...buffers].filter(([, items]) => items.length >= perEndpointBuffer / 2).map(([id]) => id)
    const rows = await claimDue(db, {
      // The lease covers a whole send (the timeout) plus JOB_LEASE_MS of waiting in the buffer.
      now, leaseUntil: now + config.jobs.leaseMs + timeoutMs, workerId, perEndpoint: perEndpointBuffer, limit: concurrency * 4, skip: full,
    })
    if (rows.length === 0) return 0
    const events = new Map((await eventsByIds(db, [...new Set(rows.map((row) => row.event_id))])).map((event) => [event.id, event]))
    const endpoints = new Map((await db.selectFrom('webhook_endpoints').selectAll().where('id', 'in', [...new Set(rows.map((row) => row.endpoint_id))]).execute()).map((e) => [e.id, e]))
    const targets = new Map<string, SendTarget | null>()
    for (const row of rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : 1))) {
      if (!targets.has(row.endpoint_id)) targets.set(row.endpoint_id, toTarget(endpoints.get(row.endpoint_id), now))
      const target = targets.get(row.endpoint_id)
      const event = events.get(row.event_id)
      // Disabled or deleted since the row was queued: the disable already cancelled its rows
      // (this one was being relayed at that moment); drop it and let its lease run out.
      if (!target || !event) continue
      const items = buffers.get(row.endpoint_id) ?? []
      items.push({ row, target, event: { id: event.id, type: event.type, body: eventBody(event) } })
      buffers.set(row.endpoint_id, items)
      buffered++
    }
    return rows.length
  }

  function toTarget(endpoint: EndpointRow | undefined, now: number): SendTarget | null {
    if (!endpoint || endpoint.status !== 'active' || endpoint.deleted_at !== null) return null
    return { url: endpoint.url, livemode: endpoint.livemode === 1, secrets: signingSecrets(services, endpoint, now) }
  }

  /** Starts sends while there is room, one endpoint at a time in turn. */
  function pump(): void {
    let started = true
    while (running && started && inFlight < concurrency) {
      started = false
      for (const [endpointId, items] of buffers) {
        if (inFlight >= concurrency) break
        if ((activeByEndpoint.get(endpointId) ?? 0) >= endpointConcurrency) continue
        const item = items.shift()!
        buffered--
        if (items.length === 0) buffers.delete(endpointId)
        // A row whose lease could run out mid-send is left for a fresh claim rather than risk
        // another worker sending it at the same time.
        if (disabled.has(endpointId) || item.row.locked_until < clock.now() + timeoutMs + 1000) continue
        start(item)
        started = true
      }
    }
  }

  function start(item: Item): void {
    const endpointId = item.row.endpoint_id
    inFlight++
    activeByEndpoint.set(endpointId, (activeByEndpoint.get(endpointId) ?? 0) + 1)
    const send = sendEvent(services, item.target, item.event)
      .then((result) => {
        outcomes.push({ row: item.row, eventType: item.event.type, result, at: clock.now() })
        flushing ??= flush()
      })
      .catch(onError)
      .finally(() => {
        inFlight--
        activeByEndpoint.set(endpointId, activeByEndpoint.get(endpointId)! - 1)
        sends.delete(send)
        pump()
        if (buffered < concurrency) wake()
      })
    sends.add(send)
  }

  async function flush(): Promise<void> {
    while (outcomes.length > 0) {
      const batch = outcomes
      outcomes = []
      try {
        for (const id of await settle(services, workerId, batch)) {
          disabled.add(id)
          services.jobs.nudge() // its owner's notice mail
        }
      } catch (error) {
        // Not recorded: the rows stay leased and are sent again after the lease (at least once).
        onError(error)
      }
    }
    flushing = null
  }

  async function idleDelay(): Promise<number> {
    const next = await nextDueAt(db).catch(() => null)
    const pollMs = config.jobs.pollMs
    return next === null ? pollMs : Math.max(BUSY_GAP_MS, Math.min(pollMs, next - clock.now()))
  }

  return {
    start() {
      if (running) return
      running = true
      loopDone = loop()
    },
    nudge: wake,
    async stop() {
      running = false
      wake()
      await loopDone
      await Promise.allSettled([...sends])
      await flushing
      buffers.clear()
      await releaseLeases(db, workerId).catch(onError)
    },
  }
}
