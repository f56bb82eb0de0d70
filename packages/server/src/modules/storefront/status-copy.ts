// What the buyer is told about the order's state: the page heading, the status pill and one sentence.
import { isPositiveAmount } from './format.ts'
import type { OrderPageView } from './view.ts'

/** Picks the pill colour; each tone has a light and a dark palette in the page CSS. */
export type StatusTone = 'waiting' | 'progress' | 'success' | 'danger' | 'neutral'

export type StatusCopy = { heading: string; label: string; tone: StatusTone; message: string }

export function describeStatus(view: OrderPageView): StatusCopy {
  const { payment } = view
  switch (view.status) {
    case 'pending':
    case 'awaiting_payment':
      if (!payment) {
        return {
          heading: 'Preparing your checkout',
          label: 'Preparing',
          tone: 'waiting',
          message: 'Setting up your payment details. This takes a few seconds.',
        }
      }
      if (payment.status === 'processing') {
        return {
          heading: 'Payment detected',
          label: 'Confirming',
          tone: 'progress',
          message: payment.confirming
            ? `Your payment is on its way — seen, ${payment.confirming.confirmations} of ${payment.confirming.required} confirmations.`
            : 'Your payment is on its way — waiting for network confirmations.',
        }
      }
      if (payment.status === 'expired') {
        return {
          heading: 'Checkout expired',
          label: 'Expired',
          tone: 'danger',
          message: 'This checkout has expired. Please do not send a payment.',
        }
      }
      if (isPositiveAmount(payment.amountPaid)) {
        return {
          heading: 'Complete your payment',
          label: 'Partially paid',
          tone: 'waiting',
          message: 'Part of your payment has arrived. Send the rest to finish your order.',
        }
      }
      return {
        heading: 'Complete your payment',
        label: 'Awaiting payment',
        tone: 'waiting',
        message: 'Send the amount below to the address shown.',
      }
    case 'paid':
    case 'delivering':
      return {
        heading: 'Payment received',
        label: 'Delivering',
        tone: 'progress',
        message: 'Payment received — delivering your order…',
      }
    case 'completed':
      if (view.delivery.state === 'awaiting_fulfilment') {
        return {
          heading: 'Order confirmed',
          label: 'Completed',
          tone: 'success',
          message: 'Payment received. The shop is preparing your order; shipping details will appear here.',
        }
      }
      return {
        heading: 'Your order is ready',
        label: 'Completed',
        tone: 'success',
        message: 'Payment received and your order has been delivered.',
      }
    case 'failed':
      return describeFailure(view)
    case 'refunded':
      return { heading: 'Order refunded', label: 'Refunded', tone: 'neutral', message: 'This order has been refunded.' }
  }
}

function describeFailure(view: OrderPageView): StatusCopy {
  if (view.failureReason !== 'payment_expired') {
    return {
      heading: 'We could not complete your order',
      label: 'Failed',
      tone: 'danger',
      message: 'We could not complete delivery; the shop has been notified.',
    }
  }
  const payment = view.payment
  if (payment && isPositiveAmount(payment.amountPaid)) {
    return {
      heading: 'Checkout expired',
      label: 'Expired',
      tone: 'danger',
      message: `A payment of ${payment.amountPaid} ${payment.asset.toUpperCase()} arrived after this checkout expired. The shop has been notified and will contact you.`,
    }
  }
  return {
    heading: 'Checkout expired',
    label: 'Expired',
    tone: 'danger',
    message: 'This checkout expired. No payment was taken. Please start a new order.',
  }
}
