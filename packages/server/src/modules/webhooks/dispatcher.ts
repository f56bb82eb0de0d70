// The delivery engine of one worker process. A loop relays new events into the send queue and
// leases due rows in batches; sends go out concurrently (WEBHOOK_CONCURRENCY in all, at most
// WEBHOOK_ENDPOINT_CONCURRENCY per endpoint, endpoints taken in turn so a slow or flooded one
// cannot stall the rest), each endpoint's rows in event order. Outcomes are written in batches.
// A crash loses nothing: unsent or unrecorded rows are sent again once their lease passes.
import { randomUUID } from 'node:crypto'
import type { Services } from '../../services.ts'
import { eventsByIds } from '../../platform/outbox/events.repository.ts'
import { eventBody, openEvent } from './webhooks.mappers.ts'
import {
  cancelRows,
  claimDue,
  endpointsWithDueRows,
  nextAttemptAt,
  relayEvents,
  releaseLeases,
  type ClaimedRow,
} from './queue.repository.ts'
import { sendEvent, signingSecrets, type OutgoingEvent, type SendTarget } from './send.ts'
import { settle, type Outcome } from './settle.ts'
import { createWakeableSleep } from '../../platform/jobs/wakeable-sleep.ts'
import { createOutage, describeOutage, type Outage } from '../../platform/jobs/outage.ts'

export type Dispatcher = {
  start(): void
  nudge(): void
  stop(): Promise<void>
  /**
   * Relays and sends everything due at the clock's current time and waits until every send is
   * answered and recorded (the loop's too); answers how much happened meanwhile (events relayed,
   * rows claimed, outcomes recorded). Works whether or not the loop was started.
   */
  drain(): Promise<number>
}

type Item = { row: ClaimedRow; event: OutgoingEvent; target: SendTarget }

const RELAY_BATCH = 500
/** When busy, loop turns are at least this far apart, so relays and claims batch up. */
const BUSY_GAP_MS = 5
const FLUSH_GAP_MS = 10
/** SQLite: an idle look for new events is two indexed reads; a worker in another process (which no
 *  nudge reaches) looks this often, so events wait at most this long for their first attempt.
 *  PostgreSQL: new events arrive by NOTIFY, so an idle dispatcher sleeps until its next retry is
 *  due, or JOB_LISTEN_POLL_MS at most. */
const IDLE_POLL_MAX_MS = 100
/** A drain that takes this many turns has met rows that keep coming due at the current time. */
const MAX_DRAIN_TURNS = 10_000

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** `outage` is shared with the job runner: while the database is down the loop backs off and the outage is one line. */
export function createWebhookDispatcher(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'dialect' | 'outbound' | 'secretBox'>,
  onError: (error: unknown) => void,
  outage?: Outage,
): Dispatcher {
  const { db, dialect, clock, config } = services
  const queueState =
    outage ??
    createOutage({
      baseMs: IDLE_POLL_MAX_MS,
      maxMs: 10_000,
      now: () => clock.now(),
      report: (change) => onError(new Error(describeOutage(change))),
    })
  const workerId = randomUUID()
  const { concurrency, endpointConcurrency, timeoutMs } = config.webhooks
  const perEndpointBuffer = endpointConcurrency * 4
  const buffers = new Map<string, Item[]>()
  const activeByEndpoint = new Map<string, number>()
  const sends = new Set<Promise<void>>()
  let outcomes: Outcome[] = []
  let flushing: Promise<void> | null = null
  let buffered = 0
  let inFlight = 0
  let running = false
  /** Set by stop(): no new send starts (a drain may run before start(), so `running` cannot say this). */
  let stopping = false
  let turn = 0
  /** Outcomes written so far, so a drain can tell whether sends finished while it looked. */
  let recorded = 0
  /** Turns (relay, lease, start sends) of the loop and of drains run one at a time, so a drain that
   *  finds nothing knows no turn of the loop is halfway through leasing rows. */
  let turnLock: Promise<unknown> = Promise.resolve()
  const { sleep, wake } = createWakeableSleep(() => clock.now())
  let loopDone: Promise<void> = Promise.resolve()

  /** One turn: relays new events, leases due rows, starts sends. Answers how many events and rows it took. */
  function takeTurn(): Promise<number> {
    const next = turnLock.then(async () => {
      try {
        const relayed = await relayEvents(db, dialect, clock.now(), RELAY_BATCH)
        return relayed + (buffered < concurrency * 2 ? await refill() : 0)
      } finally {
        pump()
      }
    })
    turnLock = next.catch(() => {})
    return next
  }

  async function loop(): Promise<void> {
    while (running) {
      let busy: boolean
      try {
        busy = (await takeTurn()) > 0
        queueState.succeeded()
      } catch (error) {
        await sleep(queueState.failed(error))
        continue
      }
      // A busy gap is not cut short by nudges: that is what lets relays and claims batch up.
      if (busy) await delay(BUSY_GAP_MS)
      else await sleep(await idleDelay())
    }
  }

  async function idleDelay(): Promise<number> {
    const poll = Math.min(config.jobs.pollMs, IDLE_POLL_MAX_MS)
    if (dialect !== 'postgres') return poll
    // Sends in flight settle into retries this look cannot see yet; the flush wakes the loop.
    try {
      const next = await nextAttemptAt(db, clock.now())
      const wait = next === null ? config.jobs.listenPollMs : next - clock.now()
      return Math.max(BUSY_GAP_MS, Math.min(config.jobs.listenPollMs, wait))
    } catch {
      return poll
    }
  }

  async function drain(): Promise<number> {
    const recordedBefore = recorded
    let taken = 0
    for (let turns = 1; ; turns++) {
      if (turns > MAX_DRAIN_TURNS)
        throw new Error(`webhook drain took ${MAX_DRAIN_TURNS} turns without running out of due rows`)
      const recordedAtLook = recorded
      const took = await takeTurn()
      taken += took
      if (
        took === 0 &&
        sends.size === 0 &&
        flushing === null &&
        outcomes.length === 0 &&
        buffered === 0 &&
        recorded === recordedAtLook
      ) {
        return taken + recorded - recordedBefore
      }
      await Promise.allSettled([...sends])
      await flushing
    }
  }

  /** Leases due rows endpoint by endpoint (starting from a different one each time) until the buffers are full. */
  async function refill(): Promise<number> {
    const now = clock.now()
    const due = await endpointsWithDueRows(db, now)
    const first = due.length === 0 ? 0 : turn++ % due.length
    let claimed = 0
    for (const endpoint of [...due.slice(first), ...due.slice(0, first)]) {
      if (buffered >= concurrency * 4) break
      const endpointId = endpoint.id
      const held = buffers.get(endpointId)?.length ?? 0
      if (held >= perEndpointBuffer / 2) continue
      // The lease covers a whole send (the timeout) plus JOB_LEASE_MS of waiting in the buffer.
      const rows = await claimDue(db, dialect, {
        endpointId,
        now,
        leaseUntil: now + config.jobs.leaseMs + timeoutMs,
        workerId,
        limit: perEndpointBuffer - held,
      })
      if (rows.length === 0) continue
      claimed += rows.length
      const target = {
        url: endpoint.url,
        livemode: endpoint.livemode === 1,
        secrets: signingSecrets(services, endpoint, now),
      }
      const events = new Map(
        (
          await eventsByIds(
            db,
            rows.map((row) => row.event_id),
          )
        ).map((event) => [event.id, event]),
      )
      const items = buffers.get(endpointId) ?? []
      const gone: string[] = []
      for (const row of rows) {
        const stored = events.get(row.event_id)
        // Deleted by the retention job (EVENTS_RETENTION_DAYS) while its chain still waited: nothing left to send.
        if (!stored) {
          gone.push(row.id)
          continue
        }
        const event = openEvent(stored, services.secretBox)
        items.push({ row, target, event: { id: event.id, type: event.type, body: eventBody(event) } })
      }
      if (gone.length > 0) await cancelRows(db, gone)
      if (items.length > 0) buffers.set(endpointId, items)
      buffered += rows.length - gone.length
    }
    return claimed
  }

  /** Starts sends while there is room, one endpoint at a time in turn. */
  function pump(): void {
    let started = true
    while (!stopping && started && inFlight < concurrency) {
      started = false
      for (const [endpointId, items] of buffers) {
        if (inFlight >= concurrency) break
        if ((activeByEndpoint.get(endpointId) ?? 0) >= endpointConcurrency) continue
        const item = items.shift()!
        buffered--
        if (items.length === 0) buffers.delete(endpointId)
        // A row whose lease could run out mid-send is left for a fresh claim rather than risk
        // another worker sending it at the same time.
        if (item.row.locked_until < clock.now() + timeoutMs + 1000) continue
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
        // A short wait lets the outcomes of sends finishing together share one transaction.
        flushing ??= delay(FLUSH_GAP_MS).then(flush)
      })
      .catch(onError)
      .finally(() => {
        inFlight--
        activeByEndpoint.set(endpointId, activeByEndpoint.get(endpointId)! - 1)
        sends.delete(send)
        pump()
        // Running low on this endpoint's rows: the loop may lease more now rather than at its next poll.
        if ((buffers.get(endpointId)?.length ?? 0) < perEndpointBuffer / 2) wake()
      })
    sends.add(send)
  }

  async function flush(): Promise<void> {
    while (outcomes.length > 0) {
      const batch = outcomes
      outcomes = []
      try {
        const disabled = await settle(services, workerId, batch)
        recorded += batch.length
        for (const id of disabled) {
          // Disabled just now: what this worker still holds for it is not sent (the disable
          // cancelled those rows). Rows claimed later carry the endpoint's status as read then.
          buffered -= buffers.get(id)?.length ?? 0
          buffers.delete(id)
        }
        // Retries were scheduled: an idle loop sleeping until its next due time (PostgreSQL) works it out again.
        if (dialect === 'postgres') wake()
      } catch (error) {
        // Not recorded: the rows stay leased and are sent again after the lease (at least once).
        onError(error)
      }
    }
    flushing = null
  }

  return {
    start() {
      if (running) return
      running = true
      loopDone = loop()
    },
    nudge: () => wake(),
    drain,
    async stop() {
      running = false
      stopping = true
      wake()
      await loopDone
      await Promise.allSettled([...sends])
      await flushing
      buffers.clear()
      await releaseLeases(db, workerId).catch(onError)
    },
  }
}
