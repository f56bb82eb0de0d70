// The stored mail outbox: a `mails` row and a `mail.send` job, written in the transaction of the
// change that causes the message, so it is sent exactly when that change commits. Order mails
// are rendered at send time from the order; notices carry their text from the start. Bodies are
// stored sealed (a delivery mail holds the goods): `body_text` and `body_html` open with the secret box.
import type { DbOrTrx } from '../../db/database.ts'
import { newId } from '../ids.ts'
import { enqueue } from '../jobs/queue.ts'
import type { JobKind } from '../jobs/kinds.ts'
import type { SecretBox } from '../secret-box.ts'

export const MAIL_JOB = 'mail.send' satisfies JobKind

export type MailToQueue = {
  shopId: string
  livemode: boolean
  /** The order it is about (rendered at send time), or null for a notice with its own text. */
  orderId: string | null
  kind: string
  recipient: string
  notice?: { subject: string; text: string }
}

export async function queueMail(
  trx: DbOrTrx,
  box: Pick<SecretBox, 'seal'>,
  mail: MailToQueue,
  now: number,
): Promise<void> {
  const id = newId('mail')
  await trx
    .insertInto('mails')
    .values({
      id,
      shop_id: mail.shopId,
      livemode: mail.livemode ? 1 : 0,
      order_id: mail.orderId,
      kind: mail.kind,
      recipient: mail.recipient,
      subject: mail.notice?.subject ?? '',
      body_text: box.seal(mail.notice?.text ?? ''),
      body_html: null,
      status: 'queued',
      transport: null,
      error: null,
      created_at: now,
      sent_at: null,
    })
    .execute()
  await enqueue(trx, { kind: MAIL_JOB, ref: id, runAt: now })
}
