// What every buyer page's inline stylesheet starts with (the order page, the shop pages): the light
// and dark palettes as custom properties (the brand colour overrides --accent after it), the type
// and the base elements.
export const PAGE_BASE_CSS = `
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
`
