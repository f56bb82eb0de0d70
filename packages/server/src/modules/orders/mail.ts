// Order mail goes through the stored outbox (platform/mail/outbox.ts). The job renders an order's
// message from the order as it is then, or sends a notice's stored text, through the mailer
// (SMTP, or the log without SMTP_URL); the row keeps what was sent.
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { queueMail as queueStoredMail } from '../../platform/mail/outbox.ts'
import type { JobOutcome } from '../../platform/jobs/runner.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { renderOrderEmail } from '../storefront/index.ts'
import * as repo from './orders.repository.ts'
import { buildPageView } from './buyer-view.ts'
import { pageUrl } from './orders.mappers.ts'

export type MailKind = 'confirmation' | 'delivery' | 'resend' | 'renewal'
const MAX_MAIL_ATTEMPTS = 8

export async function queueMail(trx: DbOrTrx, box: SecretBox, scope: { shopId: string; livemode: boolean }, to: { orderId: string; recipient: string }, kind: MailKind, now: number): Promise<void> {
  await queueStoredMail(trx, box, { ...scope, orderId: to.orderId, recipient: to.recipient, kind }, now)
}

export async function sendMail(services: Services, mailId: string, attempt: number): Promise<JobOutcome> {
  const mail = await services.db.selectFrom('mails').selectAll().where('id', '=', mailId).executeTakeFirst()
  if (!mail || mail.status !== 'queued') return
  const message: { subject: string; text: string; html?: string } = mail.order_id === null ? { subject: mail.subject, text: services.secretBox.open(mail.body_text) } : await renderForOrder(services, mail.order_id, mail.kind as MailKind)
  const result = await services.mailer.send({ to: mail.recipient, ...message, messageId: `<${mail.id}@sx>` })
  const now = services.clock.now()
  const box = services.secretBox
  const rendered = { subject: message.subject, body_text: box.seal(message.text), body_html: message.html === undefined ? null : box.seal(message.html) }
  if (result.ok) {
    await services.db.updateTable('mails').set({ ...rendered, status: 'sent', transport: result.transport, sent_at: now, error: null }).where('id', '=', mailId).execute()
    return
  }
  const giveUp = !result.retryable || attempt >= MAX_MAIL_ATTEMPTS
  await services.db.updateTable('mails').set({ ...rendered, status: giveUp ? 'failed' : 'queued', error: result.reason.slice(0, 500) }).where('id', '=', mailId).execute()
  return giveUp ? undefined : { retryAt: now + Math.min(3_600_000, 2 ** attempt * 1000), error: result.reason }
}

async function renderForOrder(services: Services, orderId: string, kind: MailKind) {
  const order = (await repo.findOrderById(services.db, orderId))!
  const view = await buildPageView(services, services.db, order)
  return renderOrderEmail(view, pageUrl(services.config.http.publicUrl, order), kind === 'resend' && order.status !== 'completed' ? 'confirmation' : kind)
}
