// The shop pages' only stylesheet (after the shared base): a grid of product cards, the product
// page, the buy form. Works from 320 px up; no web fonts, no images of its own.
import { PAGE_BASE_CSS } from './page-base.styles.ts'

export const SHOP_PAGE_CSS = `${PAGE_BASE_CSS}
.test-banner { margin: 0; padding: .55rem 1rem; background: var(--waiting-bg); color: var(--waiting-text); border-bottom: 1px solid var(--warning-border); text-align: center; font-size: .875rem; font-weight: 600; }
.shop-header { max-width: 1080px; margin: 0 auto; padding: 1.25rem 1rem .75rem; }
.shop-name { display: inline-flex; align-items: center; gap: .6rem; margin: 0; color: var(--text); font-size: 1.25rem; font-weight: 700; letter-spacing: -.01em; text-decoration: none; }
.shop-logo { height: 2.5rem; width: auto; max-width: 10rem; object-fit: contain; }
.page { max-width: 1080px; margin: 0 auto; padding: 0 1rem 3rem; }
.products { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr)); gap: 1rem; margin: 0; padding: 0; list-style: none; }
.product-card a { display: flex; flex-direction: column; height: 100%; overflow: hidden; border: 1px solid var(--border); border-radius: 12px; background: var(--card); color: var(--text); text-decoration: none; box-shadow: var(--shadow); transition: border-color .15s; }
.product-card a:hover { border-color: var(--accent); }
.thumb { display: block; width: 100%; height: auto; aspect-ratio: 1 / 1; object-fit: cover; background: var(--subtle); }
.card-body { display: flex; flex-direction: column; gap: .25rem; padding: .8rem .9rem 1rem; }
.product-name { font-weight: 600; }
.price { font-variant-numeric: tabular-nums; font-weight: 650; }
.sold-out { display: inline-block; align-self: flex-start; padding: .1rem .55rem; border-radius: 999px; background: var(--neutral-bg); color: var(--neutral-text); font-size: .8125rem; font-weight: 600; }
.pager { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin-top: 1.5rem; color: var(--muted); font-size: .9rem; }
.pager a { padding: .5rem .25rem; font-weight: 600; }
.empty { padding: 2rem 1rem; border: 1px dashed var(--border); border-radius: 12px; color: var(--muted); text-align: center; }
.back { display: inline-block; margin: 0 0 1rem; }
.product { display: grid; gap: 1.5rem; padding: 1.25rem; border-radius: 12px; background: var(--card); box-shadow: var(--shadow); }
.product-image { width: 100%; height: auto; aspect-ratio: 1 / 1; object-fit: contain; border-radius: 10px; background: var(--subtle); }
.product h1 { margin: 0; font-size: 1.6rem; line-height: 1.25; letter-spacing: -.015em; }
.product .price { margin: .4rem 0 0; font-size: 1.25rem; }
.stock { margin: .25rem 0 0; color: var(--muted); font-size: .9rem; }
.description { margin-top: 1.25rem; overflow-wrap: anywhere; }
.description :is(h1, h2, h3, h4, h5, h6) { margin: 1.1rem 0 .4rem; font-size: 1.1rem; }
.description pre { overflow-x: auto; padding: .75rem; border-radius: 8px; background: var(--subtle); }
.description table { border-collapse: collapse; }
.description :is(th, td) { padding: .3rem .6rem; border: 1px solid var(--border); }
.buy { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .75rem; margin-top: 1.25rem; }
.buy label { display: flex; flex-direction: column; gap: .3rem; font-size: .875rem; font-weight: 600; }
.buy select { min-width: 5rem; min-height: 2.75rem; padding: .4rem .6rem; border: 1px solid var(--border); border-radius: 10px; background: var(--card); color: var(--text); font: inherit; }
.button { display: inline-flex; align-items: center; justify-content: center; min-height: 2.75rem; padding: .65rem 1.4rem; border: 0; border-radius: 10px; background: var(--accent); color: var(--on-accent); font: 650 1rem/1 var(--sans); cursor: pointer; }
.button:hover { background: var(--accent-hover); }
.button-secondary { background: var(--subtle); color: var(--text); border: 1px solid var(--border); }
.button-secondary:hover { background: var(--border); }
.page-footer { margin-top: 2rem; color: var(--muted); font-size: .8125rem; text-align: center; }
@media (min-width: 760px) { .product { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); padding: 2rem; } }
`
