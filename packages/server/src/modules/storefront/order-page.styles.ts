// The order page's only stylesheet, inlined so the page makes no request but the status poll.
// Tone colours (page-base.styles.ts) keep ≥ 4.5:1 contrast on their pill.
import { PAGE_BASE_CSS } from './page-base.styles.ts'

export const ORDER_PAGE_CSS = `
${PAGE_BASE_CSS}
.test-banner { margin: 0; padding: .55rem 1rem; background: var(--waiting-bg); color: var(--waiting-text); border-bottom: 1px solid var(--warning-border); text-align: center; font-size: .875rem; font-weight: 600; }
.shop-header { display: flex; align-items: center; justify-content: space-between; gap: .75rem; max-width: 520px; margin: 0 auto; padding: 1.25rem 1rem .9rem; }
.page { max-width: 520px; margin: 0 auto; padding: 0 .75rem 2.5rem; }
.shop-logo { height: 2.5rem; width: auto; max-width: 10rem; object-fit: contain; }
.shop-name { display: inline-flex; align-items: center; gap: .6rem; margin: 0; font-size: 1.0625rem; font-weight: 650; letter-spacing: -.01em; overflow-wrap: anywhere; }
.shop-tagline { margin: 0; color: var(--muted); font-size: .8125rem; white-space: nowrap; display: inline-flex; align-items: center; gap: .35rem; }
.shop-tagline svg { width: .85rem; height: .85rem; }

.card { background: var(--card); border: 1px solid var(--border); border-radius: 16px; box-shadow: var(--shadow); padding: 1.25rem 1rem 1.5rem; }
.card { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1.75rem; }
.order-head h1 { margin: 0; font-size: 1.375rem; line-height: 1.25; font-weight: 700; letter-spacing: -.015em; }
.order-id { margin: .25rem 0 0; color: var(--muted); font-size: .8125rem; overflow-wrap: anywhere; }
.status { margin-top: .9rem; }
.status-message { margin: .55rem 0 0; color: var(--muted); font-size: .9375rem; }
.pill { display: inline-flex; align-items: center; gap: .4rem; padding: .2rem .65rem; border-radius: 999px; font-size: .8125rem; font-weight: 650; }
.pill::before { content: ""; width: .5rem; height: .5rem; border-radius: 50%; background: currentColor; }
.tone-waiting { background: var(--waiting-bg); color: var(--waiting-text); }
.tone-progress { background: var(--progress-bg); color: var(--progress-text); }
.tone-success { background: var(--success-bg); color: var(--success-text); }
.tone-danger { background: var(--danger-bg); color: var(--danger-text); }
.tone-neutral { background: var(--neutral-bg); color: var(--neutral-text); }
.tone-waiting::before, .tone-progress::before { animation: pulse 1.6s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: .3; } }

.countdown { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .15rem .75rem; margin: 0; padding: .6rem .85rem; border-radius: 10px; background: var(--subtle); border: 1px solid var(--border); font-size: .875rem; }
.countdown-time { font-size: 1rem; font-weight: 700; }
.countdown-left { display: inline-flex; align-items: baseline; gap: .4rem; }
.countdown-at { color: var(--muted); font-size: .8125rem; }
.countdown-urgent { background: var(--danger-bg); border-color: transparent; color: var(--danger-text); }
.countdown-urgent .countdown-at { color: inherit; }

.checkout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1.25rem; }
.pay-fields { margin: 0; display: grid; gap: 1.1rem; }
.pay-fields dt { margin: 0 0 .4rem; color: var(--muted); font-size: .75rem; font-weight: 650; letter-spacing: .06em; text-transform: uppercase; }
.pay-fields dd { margin: 0; }
.value-row { display: flex; align-items: center; gap: .75rem; padding: .6rem .6rem .6rem .9rem; background: var(--subtle); border: 1px solid var(--border); border-radius: 12px; }
.value-row > :first-child { flex: 1; min-width: 0; margin: 0; overflow-wrap: anywhere; }
.amount { font-size: clamp(1.25rem, 6.5vw, 1.75rem); font-weight: 650; line-height: 1.2; letter-spacing: -.02em; overflow-wrap: anywhere; }
.amount-asset { font-family: var(--sans); font-size: .6em; font-weight: 700; color: var(--muted); letter-spacing: 0; }
.address { font-size: .9375rem; line-height: 1.45; word-break: break-all; }
.network-chip { display: inline-block; margin: .5rem 0 0; padding: .15rem .6rem; border-radius: 999px; background: var(--accent-soft); color: var(--accent-soft-text); font-size: .8125rem; font-weight: 600; }

.copy { display: none; flex: none; align-items: center; justify-content: center; min-width: 4.5rem; min-height: 2.5rem; padding: .4rem .8rem; border: 1px solid var(--border); border-radius: 9px; background: var(--card); color: var(--text); font: 600 .8125rem/1 var(--sans); cursor: pointer; transition: background-color .15s, border-color .15s, color .15s; }
.js .copy { display: inline-flex; }
.copy:hover { border-color: var(--muted); }
.copy.is-copied { background: var(--success-bg); border-color: transparent; color: var(--success-text); }

.qr-block { display: flex; flex-direction: column; align-items: center; gap: .6rem; padding: 1.25rem 1rem 1rem; border: 1px dashed var(--border); border-radius: 12px; }
.qr { width: 11.5rem; padding: .35rem; background: #ffffff; border-radius: 10px; border: 1px solid #e2e5ea; }
.qr svg { display: block; width: 100%; height: auto; }
.qr-caption { margin: 0; color: var(--muted); font-size: .8125rem; }

.button { display: inline-flex; align-items: center; justify-content: center; min-height: 2.75rem; padding: .65rem 1.1rem; border: 1px solid transparent; border-radius: 10px; background: var(--accent); color: var(--on-accent); font-weight: 650; font-size: .9375rem; text-decoration: none; text-align: center; transition: background-color .15s; }
.button:hover { background: var(--accent-hover); }
.button-secondary { background: var(--card); color: var(--text); border-color: var(--border); }
.button-secondary:hover { background: var(--subtle); }

.notice { margin: 0; padding: .75rem .9rem; border-radius: 10px; border: 1px solid; font-size: .875rem; line-height: 1.5; }
.notice-warning { background: var(--warning-bg); border-color: var(--warning-border); color: var(--warning-text); }
.notice-info { background: var(--info-bg); border-color: var(--info-border); color: var(--info-text); }
.auto-update-note { margin: 0; color: var(--muted); font-size: .8125rem; text-align: center; }

.working { display: flex; align-items: center; gap: .75rem; padding: .9rem 1rem; border-radius: 12px; background: var(--subtle); border: 1px solid var(--border); color: var(--muted); font-size: .9375rem; }
.working p { margin: 0; }
.spinner { flex: none; width: 1.25rem; height: 1.25rem; border-radius: 50%; border: 2.5px solid var(--border); border-top-color: var(--accent); animation: spin .9s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }

h2 { margin: 0 0 .75rem; font-size: 1rem; font-weight: 700; letter-spacing: -.01em; }
.goods-list { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: minmax(0, 1fr); gap: .75rem; }
.item { padding: .9rem 1rem 1rem; border: 1px solid var(--border); border-radius: 12px; }
.item { display: grid; grid-template-columns: minmax(0, 1fr); gap: .7rem; justify-items: start; }
.item > * { margin: 0; }
.item > .item-head, .item > .secret, .item > .shipment { justify-self: stretch; }
.item-head { display: flex; align-items: baseline; justify-content: space-between; gap: .75rem; }
.item-head h3 { margin: 0; font-size: .9375rem; font-weight: 650; overflow-wrap: anywhere; }
.item-kind { flex: none; color: var(--muted); font-size: .6875rem; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; }
.item-meta { margin-bottom: 0; color: var(--muted); font-size: .8125rem; }
.item .button { width: 100%; }
.secret { display: flex; align-items: flex-start; gap: .75rem; padding: .6rem .6rem .6rem .8rem; background: var(--subtle); border: 1px solid var(--border); border-radius: 10px; }
.secret pre { flex: 1; min-width: 0; margin: 0; padding-top: .45rem; font-size: .9375rem; line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere; }
.shipment { margin: 0; display: grid; gap: .5rem; }
.shipment div { display: grid; gap: .15rem; }
.shipment dt { color: var(--muted); font-size: .75rem; font-weight: 650; letter-spacing: .06em; text-transform: uppercase; }
.shipment dd { margin: 0; font-size: .9375rem; }
.shipment .value-row { padding: .35rem .35rem .35rem .75rem; }

.summary-table { width: 100%; border-collapse: collapse; font-size: .9375rem; }
.summary-table th { text-align: left; font-weight: 400; padding: .55rem 1rem .55rem 0; overflow-wrap: anywhere; }
.summary-table td { text-align: right; white-space: nowrap; padding: .55rem 0; font-variant-numeric: tabular-nums; vertical-align: top; }
.summary-table tbody tr + tr > * { border-top: 1px solid var(--border); }
.summary-table tfoot tr:first-child > * { border-top: 1px solid var(--text); font-weight: 700; padding-top: .7rem; }
.qty { color: var(--muted); white-space: nowrap; }
.line-image { width: 2.5rem; height: 2.5rem; margin-right: .6rem; border-radius: 6px; object-fit: cover; vertical-align: middle; background: var(--subtle); }
.paid-with > * { color: var(--muted); font-size: .8125rem; padding-top: 0; }
.paid-with td { white-space: normal; }
.summary .notice { margin-top: .9rem; }

.page-footer { margin-top: 1.25rem; padding: 0 .5rem; color: var(--muted); font-size: .8125rem; text-align: center; }
.page-footer p { margin: .25rem 0; }

@media (max-width: 359px) {
  .amount { font-size: 1.125rem; }
}
/* Phones: long keys get the whole width and the copy button moves under them. */
@media (max-width: 479px) {
  .secret { flex-direction: column; align-items: stretch; gap: .4rem; }
  .secret pre { padding-top: .2rem; font-size: .875rem; }
  .secret .copy { align-self: flex-end; }
}
@media (min-width: 480px) {
  .shop-header { padding: 3rem 1.5rem .9rem; }
  .page { padding: 0 1.25rem 3rem; }
  .card { padding: 1.75rem 1.75rem 2rem; }
  .order-head h1 { font-size: 1.5rem; }
  .qr { width: 12.5rem; }
  .item .button { width: auto; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; }
}
.change-method { margin-top: 1.25rem; }
.change-method summary { cursor: pointer; font-weight: 600; }
.change-method fieldset { display: grid; gap: .5rem; margin: .75rem 0; padding: 0; border: 0; }
.method-option { display: flex; gap: .6rem; align-items: center; min-height: 2.75rem; }
`
