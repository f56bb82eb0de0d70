// The typed catalogues (issue 11 item 3). Job kinds: one list (`platform/jobs/kinds.ts`), and the
// worker holds a handler for each and nothing else. Event types: one list (`platform/outbox/outbox.ts`)
// with a payload type per type, which the events API and webhook subscription filters take.
// The `@ts-expect-error` lines are part of the test: `tsc` (CI's typecheck covers test/) fails when
// one of them stops being an error, i.e. when a handler set missing a kind, an unknown kind, or an
// event with another type's payload would compile again.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, startTestEnv, type TestEnv } from './harness.ts'
import { jobHandlers } from '../src/worker.ts'
import { JOB_KINDS } from '../src/platform/jobs/kinds.ts'
import { enqueue } from '../src/platform/jobs/queue.ts'
import type { JobHandler, JobHandlers } from '../src/platform/jobs/runner.ts'
import { EVENT_TYPES, recordEvent, type EventPayloads, type EventType } from '../src/platform/outbox/outbox.ts'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import type { Product } from '../src/modules/catalog/catalog.schemas.ts'
import { EVENT_PATTERNS } from '../src/modules/webhooks/webhooks.schemas.ts'
import { readAbilityOf } from '../src/modules/webhooks/subscriptions.ts'
import openapi from '../openapi.json' with { type: 'json' }

const noop: JobHandler = async () => {}

/** Compile-time checks only: never called. */
export function typeChecks(env: TestEnv): void {
  // @ts-expect-error a handler set without 'housekeeping' is not the runner's JobHandlers
  const missing: JobHandlers = {
    'order.expire': noop,
    'order.deliver': noop,
    'mail.send': noop,
    'subscription.renew': noop,
    'refund.send': noop,
    'payout.send': noop,
  }
  // @ts-expect-error enqueue takes a kind of the catalogue only
  void enqueue(env.services.db, { kind: 'order.expired', ref: 'x', runAt: 0 })
  void missing

  // Every event type has a payload type (a module adds it to EventPayloads), and nothing else does.
  const everyTypeHasPayload: [Exclude<EventType, keyof EventPayloads>] extends [never] ? true : false = true
  const noPayloadWithoutType: [Exclude<keyof EventPayloads, EventType>] extends [never] ? true : false = true
  void [everyTypeHasPayload, noPayloadWithoutType]
  const scope = { shopId: 'shop_x', livemode: false, at: 0 }
  const order = {} as Order
  const product = {} as Product
  void recordEvent(env.services.db, env.services.secretBox, { ...scope, type: 'order.paid', data: order })
  // @ts-expect-error an order event carries an order, not a product
  void recordEvent(env.services.db, env.services.secretBox, { ...scope, type: 'order.paid', data: product })
  // @ts-expect-error a product event carries a product
  void recordEvent(env.services.db, env.services.secretBox, { ...scope, type: 'product.created', data: order })
  // @ts-expect-error only types of the catalogue are recorded
  void recordEvent(env.services.db, env.services.secretBox, { ...scope, type: 'order.shipped', data: order })
}

/** The subscription values the public API docs list (api-docs.txt, POST /v1/webhooks `events`), and the
 *  coupon events of issue 15 (API.md "Coupons and the storefront"; the root README documents them). */
const DOCUMENTED_EVENTS = [
  'order.paid',
  'order.refunded',
  'order.delivered',
  'order.failed',
  'product.*',
  'coupon.*',
  'payout.*',
  'customer.created',
]

type Operation = {
  operationId?: string
  parameters?: { name: string; schema: { enum?: string[] } }[]
  requestBody?: { content: Record<string, { schema: { properties: Record<string, { items: { enum: string[] } }> } }> }
}

function operation(id: string): Operation {
  const operations = Object.values(openapi.paths as unknown as Record<string, Record<string, Operation>>).flatMap(
    (path) => Object.values(path),
  )
  const found = operations.find((candidate) => candidate.operationId === id)
  assert.ok(found, id)
  return found
}

describe('event catalogue', () => {
  it('the events API filter and webhook subscriptions take the catalogue, which covers the documented values', () => {
    assert.deepEqual(operation('listEvents').parameters!.find((parameter) => parameter.name === 'type')!.schema.enum, [
      ...EVENT_TYPES,
    ])
    for (const id of ['createWebhook', 'updateWebhook']) {
      assert.deepEqual(
        operation(id).requestBody!.content['application/json']!.schema.properties.events!.items.enum,
        [...EVENT_PATTERNS],
        id,
      )
    }
    for (const value of DOCUMENTED_EVENTS) assert.ok((EVENT_PATTERNS as readonly string[]).includes(value), value)
    // Every type is documented (alone or through its family), and needs a read ability.
    for (const type of EVENT_TYPES) {
      assert.ok(
        DOCUMENTED_EVENTS.some(
          (value) => value === type || (value.endsWith('.*') && type.startsWith(value.slice(0, -1))),
        ),
        type,
      )
      assert.match(readAbilityOf(type), /^[a-z]+:read$/)
    }
  })
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: job catalogue`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    it('the worker has a handler for every kind of the catalogue and for nothing else', () => {
      const handlers = jobHandlers(env.services)
      assert.deepEqual(Object.keys(handlers).sort(), [...JOB_KINDS].sort())
      for (const kind of JOB_KINDS) assert.equal(typeof handlers[kind], 'function', kind)
    })
  })
}
