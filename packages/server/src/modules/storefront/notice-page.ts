// Small pages for people with a browser: the landing page at `/`, and what a buyer sees instead of
// problem+json when a link outside /v1 fails (unknown, expired, used up, or a failure of ours).
import { escapeHtml } from './escape-html.ts'

export type Notice = { title: string; message: string; reference?: string }

/** The copy a browser gets for an error answer outside /v1, by status. */
export function errorNotice(status: number, traceId: string): Notice {
  if (status === 404)
    return {
      title: 'Page not found',
      message: 'This link does not exist. Check that you opened the whole address from your email.',
    }
  if (status === 429) return { title: 'Too many requests', message: 'Please wait a moment, then reload this page.' }
  if (status === 503)
    return { title: 'Temporarily unavailable', message: 'Please try again in a moment.', reference: traceId }
  if (status >= 500)
    return {
      title: 'Something went wrong',
      message: 'Please try again in a moment. If it keeps happening, contact the shop and quote this reference.',
      reference: traceId,
    }
  return { title: 'This link is not valid', message: 'Check that you opened the whole address from your email.' }
}

/** A download link that was real but can no longer be used. */
export function downloadNotice(reason: 'expired' | 'used_up'): Notice {
  return reason === 'expired'
    ? {
        title: 'This download link has expired',
        message: 'Open your order page from the email to see your items, or ask the shop for a new link.',
      }
    : {
        title: 'No downloads left',
        message: 'This link has been used as many times as it allows. Ask the shop for a new one.',
      }
}

export function renderNoticePage(notice: Notice): string {
  return page(
    notice.title,
    `<h1>${escapeHtml(notice.title)}</h1>
  <p>${escapeHtml(notice.message)}</p>
  ${notice.reference ? `<p class="muted">Reference <code>${escapeHtml(notice.reference)}</code></p>` : ''}`,
  )
}

/** `/`: what this server is, and where the API reference lives. */
export function renderLandingPage(): string {
  return page(
    'sx',
    `<h1>sx</h1>
  <p>A self-hosted storefront, checkout and payments API for digital goods paid in crypto.</p>
  <p><a class="button" href="/docs">API reference</a></p>
  <p class="muted">Developers: the reference lets you try every call with a test key; the OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.
  Buyers: open the link in your order email to see your order.</p>`,
  )
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main class="card">
  ${body}
</main>
</body>
</html>
`
}

const CSS = `
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --text: #15171c; --muted: #596070; --accent: #3451d1; --on-accent: #fff; }
@media (prefers-color-scheme: dark) { :root { --bg: #0e1014; --card: #171a20; --text: #e9ebf0; --muted: #a3aab7; --accent: #8da2ff; --on-accent: #0e1014; } }
body { margin: 0; background: var(--bg); color: var(--text); font: 400 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.card { max-width: 480px; margin: 12vh auto 0; padding: 1.75rem; background: var(--card); border-radius: 12px; }
h1 { margin: 0 0 .5rem; font-size: 1.35rem; letter-spacing: -.01em; }
p { margin: .5rem 0 0; }
.muted { color: var(--muted); font-size: .9rem; }
a { color: var(--accent); }
.button { display: inline-block; padding: .55rem 1rem; border-radius: 8px; background: var(--accent); color: var(--on-accent); text-decoration: none; font-weight: 600; }
code { overflow-wrap: anywhere; }
`
