// A change of payment method from the order's page: while nothing has been paid (no payment
// counted or seen, the invoice still open), the buyer picks another of the shop's pairs and the
// SAME order gets a new quote: new amount, address and provider reference; its reservation and
// expiry stay. The old invoice is closed by being replaced: the order no longer names its
// address, so a payment there later is not applied to the new invoice (a live chain watcher
// records it against the old address and leaves the order alone: payment.service.ts). The
// buyer's form names the quote it was shown (`quote`): of two concurrent changes, the one that
// commits first wins and the other is refused (409); either way the order holds one consistent quote.
import type { Services } from '../../services.ts'
import type { DbOrTrx } from '../../db/database.ts'
import { formValue, type FormBody } from '../../platform/http/form-body.ts'
import { acceptedMethods } from '../shops/index.ts'
import { methodValue, type Notice } from '../storefront/index.ts'
import type { Chain } from '../payments/index.ts'
import type { OrderRow } from './orders.table.ts'
import * as repo from './orders.repository.ts'
import { queueMail } from './mail.ts'

type Deps = Pick<Services, 'clock' | 'config' | 'db' | 'payments' | 'paymentProgress' | 'secretBox'>

export type MethodChangeOutcome = { redirect: string } | { status: number; notice: Notice }

/** What the order page offers: the other pairs and the quote shown, or null when the method can no longer change. */
export async function methodChangeOffer(
  services: Pick<Services, 'clock' | 'config' | 'db' | 'payments' | 'paymentProgress'>,
  row: OrderRow,
): Promise<{ quote: number; methods: { chain: string; asset: string }[] } | null> {
  if (!(await changeable(services, services.db, row))) return null
  const methods = await acceptedMethods(services, row.shop_id, row.livemode === 1)
  return methods.length > 1 ? { quote: Number(row.quote_no), methods } : null
}

export async function changePaymentMethod(services: Deps, token: string, form: FormBody): Promise<MethodChangeOutcome> {
  const found = await repo.findOrderByPageToken(services.db, token)
  if (!found) return { status: 404, notice: { title: 'Page not found', message: 'This link does not exist.' } }
  const page = `/o/${found.page_token}`
  const chosen = formValue(form, 'method')
  const method = (await acceptedMethods(services, found.shop_id, found.livemode === 1)).find(
    (m) => methodValue(m) === chosen,
  )
  if (!method) return refused(422, 'Pick one of the ways to pay the page lists.')
  const provider = found.livemode === 1 ? services.payments.live : services.payments.sandbox
  if (!provider || provider.invoicing !== 'in_process')
    return refused(409, 'The payment method of this order cannot be changed.')
  const quote = Number(formValue(form, 'quote'))
  return services.db.transaction().execute(async (trx): Promise<MethodChangeOutcome> => {
    const row = (await repo.lockOrder(trx, found.id))!
    if (!(await changeable(services, trx, row)))
      return refused(
        409,
        'A payment has been seen (or the order is no longer waiting for one): the payment method stays.',
      )
    if (Number(row.quote_no) !== quote)
      return refused(409, 'The payment method was just changed (in another tab?): open the order page again to see it.')
    if (row.chain === method.chain && row.asset === method.asset) return { redirect: page }
    const quoteNo = Number(row.quote_no) + 1
    const invoice = await provider.createInvoice({
      orderId: row.id,
      quoteNo,
      priceCents: Number(row.total_cents),
      currency: row.currency,
      chain: method.chain as Chain,
      asset: method.asset,
      expiresAt: row.expires_at,
      trx,
    })
    if (!invoice.ok) return refused(409, `This way to pay is not available now (${invoice.reason}); pick another.`)
    const now = services.clock.now()
    await repo.updateOrder(trx, row.id, {
      chain: method.chain,
      asset: method.asset,
      pay_address: invoice.value.address,
      amount_due: invoice.value.amountDue,
      provider_ref: invoice.value.providerRef,
      quote_no: quoteNo,
      updated_at: now,
    })
    // The confirmation mail named the old address: the buyer gets the new instructions.
    const scope = { shopId: row.shop_id, livemode: row.livemode === 1 }
    await queueMail(trx, services.secretBox, scope, { orderId: row.id, recipient: row.customer_email }, 'resend', now)
    return { redirect: page }
  })

  function refused(status: number, message: string): MethodChangeOutcome {
    return {
      status,
      notice: { title: 'The payment method was not changed', message: `${message} Your order: ${page}` },
    }
  }
}

/**
 * Awaiting payment, before its expiry, nothing received on its invoice, and (live) no payment
 * still confirming on any of its addresses: one seen but not yet counted must not be stranded on
 * a quote the order no longer names.
 */
async function changeable(
  services: Pick<Services, 'clock' | 'paymentProgress'>,
  db: DbOrTrx,
  row: OrderRow,
): Promise<boolean> {
  return (
    row.status === 'awaiting_payment' &&
    row.invoice_status === 'new' &&
    BigInt(row.amount_received) === 0n &&
    row.expires_at > services.clock.now() &&
    (row.livemode === 0 || (await services.paymentProgress(db, row.id)) === null)
  )
}
