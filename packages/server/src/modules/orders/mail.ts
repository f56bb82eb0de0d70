// Order mail goes through the stored outbox (platform/mail/outbox.ts); the mail job
// (platform/mail/send.job.ts) sends it, rendering the order's message with `orderMailRenderer`
// from the order as it is then.
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { queueMail as queueStoredMail } from '../../platform/mail/outbox.ts'
import type { OrderMailRenderer } from '../../platform/mail/send.job.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { renderOrderEmail } from '../storefront/index.ts'
import * as repo from './orders.repository.ts'
import { buildPageView } from './buyer-view.ts'
import { pageUrl } from './orders.mappers.ts'

type Deps = Pick<Services, 'clock' | 'config' | 'db' | 'secretBox'>

export type MailKind = 'confirmation' | 'delivery' | 'resend' | 'renewal'

export async function queueMail(
  trx: DbOrTrx,
  box: SecretBox,
  scope: { shopId: string; livemode: boolean },
  to: { orderId: string; recipient: string },
  kind: MailKind,
  now: number,
): Promise<void> {
  await queueStoredMail(trx, box, { ...scope, orderId: to.orderId, recipient: to.recipient, kind }, now)
}

/** The order mails' renderer that the mail job (platform/mail/send.job.ts) is given. */
export function orderMailRenderer(services: Deps): OrderMailRenderer {
  return (orderId, kind) => renderForOrder(services, orderId, kind as MailKind)
}

async function renderForOrder(services: Deps, orderId: string, kind: MailKind) {
  const order = (await repo.findOrderById(services.db, orderId))!
  const view = await buildPageView(services, services.db, order)
  return renderOrderEmail(
    view,
    pageUrl(services.config.http.publicUrl, order),
    kind === 'resend' && order.status !== 'completed' ? 'confirmation' : kind,
  )
}
