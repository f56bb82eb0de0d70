// The order page's only stylesheet, inlined so the page makes no request but the status poll.
// Light and dark palettes live in custom properties; tone colours keep ≥ 4.5:1 contrast on their pill.
export const ORDER_PAGE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #15171c; --muted: #596070; --border: #e2e5ea; --subtle: #f6f7f9;
  --accent: #3451d1; --accent-hover: #2a43b3; --on-accent: #ffffff; --accent-soft: #edf1ff; --accent-soft-text: #2a3f9e;
  --focus: #3451d1; --shadow: 0 1px 2px rgba(16, 24, 40, .04), 0 12px 32px -12px rgba(16, 24, 40, .12);
  --waiting-bg: #fff4d6; --waiting-text: #7a4a00; --progress-bg: #e5edff; --progress-text: #2439a8;
  --success-bg: #dff5e7; --success-text: #17603a; --danger-bg: #fde7e7; --danger-text: #a11d1d;
  --neutral-bg: #eceef2; --neutral-text: #3d4350;
  --warning-bg: #fff8e5; --warning-border: #f1d999; --warning-text: #5a4100;
  --info-bg: #eef3ff; --info-border: #d3defc; --info-text: #1f3a8a;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1014; --card: #171a20; --text: #e9ebf0; --muted: #a3aab7; --border: #2b303b; --subtle: #1e222a;
    --accent: #8da2ff; --accent-hover: #a8b8ff; --on-accent: #0e1014; --accent-soft: #1f2745; --accent-soft-text: #b9c6ff;
    --focus: #a8b8ff; --shadow: 0 1px 2px rgba(0, 0, 0, .3), 0 12px 32px -12px rgba(0, 0, 0, .5);
    --waiting-bg: #3a2c07; --waiting-text: #ffd978; --progress-bg: #1d2750; --progress-text: #b7c5ff;
    --success-bg: #10331f; --success-text: #86e0a8; --danger-bg: #3d1414; --danger-text: #ffaaaa;
    --neutral-bg: #262a33; --neutral-text: #cdd2dc;
    --warning-bg: #2c2307; --warning-border: #5b4711; --warning-text: #f6d98a;
    --info-bg: #17203d; --info-border: #2b3a6b; --info-text: #c3d0ff;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 400 1rem/1.5 var(--sans); }
.mono { font-family: var(--mono); font-variant-numeric: tabular-nums; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 6px; }
a { color: var(--accent); }

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
`
