// The buyer-facing pages (order page, shop pages) and order emails: pure renderers of their views, no I/O.
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
export { renderProductPage, renderShopPage, renderSitemap, shopPageCsp } from './shop-pages.ts'
export { type StorefrontProduct, type StorefrontShop } from './shop-view.ts'
export { renderCheckoutForm } from './checkout-form.ts'
export {
  methodValue,
  SHIPPING_FIELDS,
  type CheckoutFormLine,
  type CheckoutFormView,
  type ShippingField,
} from './checkout-form-view.ts'
export { EMBED_SCRIPT } from './embed-script.ts'
