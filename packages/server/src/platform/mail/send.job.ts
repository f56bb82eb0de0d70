// The mail job (ref = mail id): sends one stored mail through the mailer and records the outcome on
// its row. A notice carries its own text; a mail about an order is rendered at send time by the
// renderer its owner passes in (the order as it is then), so this module knows nothing of orders.
import type { Db } from '../../db/database.ts'
import type { Clock } from '../clock.ts'
import type { JobOutcome } from '../jobs/runner.ts'
import type { SecretBox } from '../secret-box.ts'
import type { Mailer } from './mailer.ts'

export type RenderedMail = { subject: string; text: string; html?: string }
/** Renders the message of a mail about an order, from its order id and kind. */
export type OrderMailRenderer = (orderId: string, kind: string) => Promise<RenderedMail>
export type MailDeps = { db: Db; mailer: Mailer; secretBox: SecretBox; clock: Clock }

const MAX_MAIL_ATTEMPTS = 8

export async function sendMail(
  deps: MailDeps,
  render: OrderMailRenderer,
  mailId: string,
  attempt: number,
): Promise<JobOutcome> {
  const { db, secretBox: box } = deps
  const mail = await db.selectFrom('mails').selectAll().where('id', '=', mailId).executeTakeFirst()
  if (!mail || mail.status !== 'queued') return
  const message: RenderedMail =
    mail.order_id === null
      ? { subject: mail.subject, text: box.open(mail.body_text) }
      : await render(mail.order_id, mail.kind)
  const result = await deps.mailer.send({ to: mail.recipient, ...message, messageId: `<${mail.id}@sx>` })
  const now = deps.clock.now()
  const rendered = {
    subject: message.subject,
    body_text: box.seal(message.text),
    body_html: message.html === undefined ? null : box.seal(message.html),
  }
  if (result.ok) {
    await db
      .updateTable('mails')
      .set({ ...rendered, status: 'sent', transport: result.transport, sent_at: now, error: null })
      .where('id', '=', mailId)
      .execute()
    return
  }
  const giveUp = !result.retryable || attempt >= MAX_MAIL_ATTEMPTS
  await db
    .updateTable('mails')
    .set({ ...rendered, status: giveUp ? 'failed' : 'queued', error: result.reason.slice(0, 500) })
    .where('id', '=', mailId)
    .execute()
  return giveUp ? undefined : { retryAt: now + Math.min(3_600_000, 2 ** attempt * 1000), error: result.reason }
}
