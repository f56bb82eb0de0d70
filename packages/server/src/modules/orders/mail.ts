// Order mail goes through the stored outbox: a `mails` row and a job, written in the transaction
// of the change that causes it. The job renders the message from the order as it is then and
// sends it (SMTP, or the log without SMTP_URL); the row keeps what was sent.
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { newId } from '../../platform/ids.ts'
import { enqueue } from '../../platform/jobs/queue.ts'
import type { JobOutcome } from '../../platform/jobs/runner.ts'
import { renderOrderEmail } from '../storefront/index.ts'
import * as repo from './orders.repository.ts'
import { buildPageView } from './buyer-view.ts'
import { pageUrl } from './orders.mappers.ts'
import { JOBS } from './jobs.ts'

export type MailKind = 'confirmation' | 'delivery' | 'resend' | 'renewal'
const MAX_MAIL_ATTEMPTS = 8

export async function queueMail(trx: DbOrTrx, scope: { shopId: string; livemode: boolean }, to: { orderId: string; recipient: string }, kind: MailKind, now: number): Promise<void> {
  const id = newId('mail')
  await trx.insertInto('mails').values({
    id, shop_id: scope.shopId, livemode: scope.livemode ? 1 : 0, order_id: to.orderId, kind, recipient: to.recipient,
    subject: '', body_text: '', body_html: null, status: 'queued', transport: null, error: null, created_at: now, sent_at: null,
  }).execute()
  await enqueue(trx, { kind: JOBS.mail, ref: id, runAt: now })
}

export async function sendMail(services: Services, mailId: string, attempt: number): Promise<JobOutcome> {
  const mail = await services.db.selectFrom('mails').selectAll().where('id', '=', mailId).executeTakeFirst()
  if (!mail || mail.status !== 'queued' || !mail.order_id) return
  const order = (await repo.findOrderById(services.db, mail.order_id))!
  const view = await buildPageView(services, services.db, order)
  const message = renderOrderEmail(view, pageUrl(services.config.http.publicUrl, order), mail.kind === 'resend' && order.status !== 'completed' ? 'confirmation' : (mail.kind as MailKind))
  const result = await services.mailer.send({ to: mail.recipient, ...message, messageId: `<${mail.id}@sx>` })
  const now = services.clock.now()
  const rendered = { subject: message.subject, body_text: message.text, body_html: message.html ?? null }
  if (result.ok) {
    await services.db.updateTable('mails').set({ ...rendered, status: 'sent', transport: result.transport, sent_at: now, error: null }).where('id', '=', mailId).execute()
    return
  }
  const giveUp = !result.retryable || attempt >= MAX_MAIL_ATTEMPTS
  await services.db.updateTable('mails').set({ ...rendered, status: giveUp ? 'failed' : 'queued', error: result.reason.slice(0, 500) }).where('id', '=', mailId).execute()
  return giveUp ? undefined : { retryAt: now + Math.min(3_600_000, 2 ** attempt * 1000), error: result.reason }
}
