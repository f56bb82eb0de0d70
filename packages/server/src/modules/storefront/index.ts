// The buyer-facing order page and order emails: pure renderers of an OrderPageView, no I/O.
export { orderPageCsp, renderOrderPage } from './order-page.ts'
export { renderOrderEmail, type OrderEmailKind, type RenderedEmail } from './order-email.ts'
export { escapeHtml } from './escape-html.ts'
export {
  isFinalStatus,
  type Brand,
  type OrderPageView,
  type DeliveredItem,
  type OrderStatus,
  type PaymentStatus,
} from './view.ts'
export { downloadNotice, errorNotice, renderLandingPage, renderNoticePage, type Notice } from './notice-page.ts'
