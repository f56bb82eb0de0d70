// Records how a batch of scheduled attempts went, in one transaction: the attempt log, each
// chain's next step (delivered, retry at, or failed once WEBHOOK_RETRY_DELAYS is spent), and the
// endpoints' health: a 410 disables an endpoint, and so do failures for WEBHOOK_DISABLE_AFTER_SECONDS
// without a success, with a notice mailed to the shop's owner.
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { newId } from '../../platform/ids.ts'
import { queueMail } from '../../platform/mail/outbox.ts'
import { findFirstOwnerEmail } from '../shops/index.ts'
import * as repo from './webhooks.repository.ts'
import type { ClaimedRow } from './queue.repository.ts'
import type { SendResult } from './send.ts'

export type Outcome = { row: ClaimedRow; eventType: string; result: SendResult; at: number }

/** Answers the endpoints this batch disabled, so the caller stops sending to them at once. */
export async function settle(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'secretBox'>,
  workerId: string,
  outcomes: readonly Outcome[],
): Promise<string[]> {
  const delays = services.config.webhooks.retryDelaysSeconds
  const now = services.clock.now()
  return services.db.transaction().execute(async (trx) => {
    const attempts = outcomes.map(({ row, eventType, result, at }) => {
      const attempt = row.attempts + 1
      const retryAt =
        result.ok || result.status === 410 || attempt > delays.length ? null : at + delays[attempt - 1]! * 1000
      return {
        row,
        result,
        attempt,
        retryAt,
        log: {
          id: newId('webhookDelivery'),
          endpoint_id: row.endpoint_id,
          event_id: row.event_id,
          event_type: eventType,
          queue_id: row.id,
          attempt,
          trigger: 'scheduled',
          succeeded: result.ok ? 1 : 0,
          response_code: result.status,
          error: result.error,
          response_excerpt: result.excerpt,
          duration_ms: result.durationMs,
          next_retry_at: retryAt,
          created_at: at,
        },
      }
    })
    await repo.insertDeliveries(
      trx,
      attempts.map((a) => a.log),
    )
    for (const { row, result, attempt, retryAt } of attempts) {
      await trx
        .updateTable('webhook_queue')
        .set({
          status: result.ok ? 'delivered' : retryAt === null ? 'failed' : 'pending',
          attempts: attempt,
          next_attempt_at: retryAt ?? row.next_attempt_at,
          locked_until: null,
          locked_by: null,
        })
        .where('id', '=', row.id)
        // Only while still ours and pending: a manual retry may have ended the chain meanwhile.
        .where('locked_by', '=', workerId)
        .where('status', '=', 'pending')
        .execute()
    }
    return updateHealth(services, trx, outcomes, now)
  })
}

async function updateHealth(
  services: Pick<Services, 'config' | 'secretBox'>,
  trx: DbOrTrx,
  outcomes: readonly Outcome[],
  now: number,
): Promise<string[]> {
  // The latest outcome per endpoint decides whether it is failing.
  const latest = new Map<string, Outcome>()
  for (const outcome of outcomes)
    if ((latest.get(outcome.row.endpoint_id)?.at ?? -1) <= outcome.at) latest.set(outcome.row.endpoint_id, outcome)
  const healthy = [...latest].filter(([, o]) => o.result.ok).map(([id]) => id)
  const failing = [...latest].filter(([, o]) => !o.result.ok).map(([id]) => id)
  if (healthy.length > 0) {
    await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: null })
      .where('id', 'in', healthy)
      .where('failing_since', 'is not', null)
      .execute()
  }
  const toDisable = new Map<string, 'gone' | 'failing'>()
  if (failing.length > 0) {
    await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: now })
      .where('id', 'in', failing)
      .where('failing_since', 'is', null)
      .execute()
    const stale = await trx
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('id', 'in', failing)
      .where('failing_since', '<=', now - services.config.webhooks.disableAfterSeconds * 1000)
      .execute()
    for (const { id } of stale) toDisable.set(id, 'failing')
  }
  for (const outcome of outcomes) if (outcome.result.status === 410) toDisable.set(outcome.row.endpoint_id, 'gone')
  for (const [id, reason] of toDisable) await disableEndpoint(services, trx, id, reason, now)
  return [...toDisable.keys()]
}

async function disableEndpoint(
  services: Pick<Services, 'secretBox'>,
  trx: DbOrTrx,
  id: string,
  reason: 'gone' | 'failing',
  now: number,
): Promise<void> {
  const updated = await trx
    .updateTable('webhook_endpoints')
    .set({ status: 'disabled', disabled_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .returning(['shop_id', 'livemode', 'url'])
    .executeTakeFirst()
  if (!updated) return
  await repo.cancelPending(trx, id)
  const ownerEmail = await findFirstOwnerEmail(trx, updated.shop_id)
  if (!ownerEmail) return
  const why = reason === 'gone' ? 'it answered 410 Gone' : 'every attempt to reach it has failed for too long'
  await queueMail(
    trx,
    services.secretBox,
    {
      shopId: updated.shop_id,
      livemode: updated.livemode === 1,
      orderId: null,
      kind: 'webhook_disabled',
      recipient: ownerEmail,
      notice: {
        subject: `Webhook endpoint disabled: ${updated.url}`,
        text:
          `sx stopped sending events to ${updated.url} (${id}, ${updated.livemode === 1 ? 'live' : 'test'} mode) because ${why}.\n\n` +
          'Events that happen while it is disabled are not queued for it. When the receiver works again, re-enable it with\n' +
          `PATCH /v1/webhooks/${id} {"status": "active"}, and use GET /v1/events to catch up on what it missed.\n`,
      },
    },
    now,
  )
}
