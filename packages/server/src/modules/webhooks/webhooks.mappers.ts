import type { Selectable } from 'kysely'
import { toIso, toIsoOrNull } from '../../platform/clock.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import type { EventRow } from '../../platform/outbox/events.repository.ts'
import type { ApiEvent, Webhook, WebhookDelivery } from './webhooks.schemas.ts'
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './webhooks.table.ts'

export type EndpointRow = Selectable<WebhookEndpointsTable>
export type DeliveryRow = Selectable<WebhookDeliveriesTable>
export type { EventRow }

export const EXCERPT_CHARS = 1024

export function toWebhook(row: EndpointRow, now: number): Webhook {
  const previousExpiresAt = row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at)
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    description: row.description,
    status: row.status as Webhook['status'],
    disabled_reason: row.disabled_reason,
    livemode: row.livemode === 1,
    previous_secret_expires_at: previousExpiresAt !== null && previousExpiresAt > now ? toIso(previousExpiresAt) : null,
    created_at: toIso(Number(row.created_at)),
    updated_at: toIso(Number(row.updated_at)),
  }
}

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhook_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type,
    attempt: Number(row.attempt),
    trigger: row.trigger as WebhookDelivery['trigger'],
    status: row.succeeded === 1 ? 'succeeded' : 'failed',
    response_code: row.response_code === null ? null : Number(row.response_code),
    error: row.error,
    response_excerpt: row.response_excerpt,
    duration_ms: Number(row.duration_ms),
    next_retry_at: toIsoOrNull(row.next_retry_at === null ? null : Number(row.next_retry_at)),
    created_at: toIso(Number(row.created_at)),
  }
}

/** The stored row with its payload opened (events are stored sealed); what the two mappers below take. */
export function openEvent(row: EventRow, box: Pick<SecretBox, 'open'>): EventRow {
  return { ...row, data: box.open(row.data) }
}

/** `row.data` in clear (see openEvent). */
export function toApiEvent(row: EventRow): ApiEvent {
  return {
    id: row.id,
    type: row.type,
    created_at: toIso(Number(row.created_at)),
    livemode: row.livemode === 1,
    data: JSON.parse(row.data),
  }
}

/**
 * The exact bytes POSTed (and signed) for an event: the same on every attempt. The opened `data`
 * is spliced in as it was written, so the body is built without parsing it again.
 */
export function eventBody(row: EventRow): string {
  const head = JSON.stringify({
    id: row.id,
    type: row.type,
    created_at: toIso(Number(row.created_at)),
    livemode: row.livemode === 1,
  })
  return `${head.slice(0, -1)},"data":${row.data}}`
}
