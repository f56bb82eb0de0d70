// Sample views for the storefront tests: one realistic order, reshaped per state.
import type { DeliveredItem, OrderPageView } from './view.ts'

const NOW = '2026-12-12T14:02:51.000Z'

export function awaitingPaymentView(overrides: Partial<OrderPageView> = {}): OrderPageView {
  return {
    shopName: 'Northwind Software',
    livemode: true,
    orderId: 'ord_01JEXAMPLE7Q9ZKD4M2V8RT3WX',
    status: 'awaiting_payment',
    failureReason: null,
    totalCents: 4900,
    currency: 'usd',
    lines: [
      { name: 'Pro license (1 year)', qty: 1, subtotalCents: 3900 },
      { name: 'Extra seat', qty: 2, subtotalCents: 1000 },
    ],
    payment: {
      chain: 'tron',
      asset: 'usdt',
      address: 'TXkq7yR5VZ9N8mWqL3cJpH2fB6tDgE4sUa',
      amountDue: '49.000000',
      amountRemaining: '49.000000',
      amountPaid: '0.000000',
      status: 'new',
      paymentUri: 'tron:TXkq7yR5VZ9N8mWqL3cJpH2fB6tDgE4sUa?amount=49.000000&token=USDT',
      expiresAt: '2026-12-12T14:32:32.000Z',
    },
    delivery: { state: 'pending', items: [] },
    nowIso: NOW,
    statusUrl: '/o/tok_abc/status.json',
    version: 'v1',
    ...overrides,
  }
}

export const SAMPLE_ITEMS: DeliveredItem[] = [
  { productName: 'Pro license (1 year)', kind: 'license_key', value: 'NWND-7H2K-Q9XP-4LMV-8RTE' },
  {
    productName: 'Team workspace',
    kind: 'account',
    value: 'login: buyer@example.com\npassword: c0rrect-h0rse-battery',
  },
  {
    productName: 'Installer for macOS',
    kind: 'file_download',
    url: 'https://shop.example.com/d/tok_dl_123',
    expiresAt: '2026-12-19T14:02:51.000Z',
    downloadsLeft: 5,
  },
  { productName: 'Sticker pack', kind: 'physical', carrier: 'DHL Express', trackingNumber: 'JD014600006281234567' },
  { productName: 'Updates plan', kind: 'subscription', periodEnd: '2027-12-12T14:02:51.000Z' },
]

export function completedView(overrides: Partial<OrderPageView> = {}): OrderPageView {
  const base = awaitingPaymentView()
  return {
    ...base,
    status: 'completed',
    payment: base.payment && {
      ...base.payment,
      status: 'settled',
      amountPaid: '49.000000',
      amountRemaining: '0.000000',
    },
    delivery: { state: 'delivered', items: SAMPLE_ITEMS },
    version: 'v4',
    ...overrides,
  }
}
