// Emails are written once as a list of blocks, then laid out twice: as plain text and as simple HTML.
// That keeps the two parts saying the same thing, and puts all HTML escaping in one place.
import { escapeHtml } from './escape-html.ts'
import { brandAccent, logoImg } from './brand.ts'
import type { Brand } from './view.ts'

export type EmailBlock =
  | { type: 'banner'; text: string }
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  /** Small print under the block before it, e.g. a download link's limits. */
  | { type: 'note'; text: string }
  /** A value the buyer copies (key, password, address): verbatim, monospace. */
  | { type: 'code'; label: string; text: string }
  | { type: 'button'; label: string; href: string }
  | {
      type: 'table'
      title: string
      rows: { label: string; amount: string }[]
      total: { label: string; amount: string }
    }

export function blocksToText(blocks: EmailBlock[]): string {
  return `${blocks.map(blockToText).join('\n\n')}\n`
}

function blockToText(block: EmailBlock): string {
  switch (block.type) {
    case 'banner':
      return `*** ${block.text} ***`
    case 'heading':
      return block.text
    case 'paragraph':
    case 'note':
      return block.text
    case 'code':
      return `${block.label}:\n${block.text}`
    case 'button':
      return `${block.label}:\n${block.href}`
    case 'table':
      return [block.title, ...[...block.rows, block.total].map((row) => `${row.label} — ${row.amount}`)].join('\n')
  }
}

const FONT = `font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif`
const MONO = `font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace`

/** A complete HTML email: one centred 520px card, inline styles only, since mail clients drop <style>. */
export function blocksToHtml(blocks: EmailBlock[], title: string, footer: string, brand?: Brand): string {
  const accent = brandAccent(brand) ?? { background: '#3451d1', text: '#ffffff' }
  const logo = logoImg(brand, 'display:block;height:40px;width:auto;max-width:200px;margin:0 0 16px;border:0')
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;color:#15171c;${FONT}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:24px 12px">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;background:#ffffff;border:1px solid #e2e5ea;border-radius:12px">
<tr><td style="padding:24px;font-size:15px;line-height:1.55">
${logo}${blocks.map((block) => blockToHtml(block, accent)).join('\n')}
</td></tr>
</table>
<p style="margin:16px 0 0;color:#596070;font-size:12px;${FONT}">${escapeHtml(footer)}</p>
</td></tr>
</table>
</body>
</html>
`
}

function blockToHtml(block: EmailBlock, accent: { background: string; text: string }): string {
  switch (block.type) {
    case 'banner':
      return `<p style="margin:0 0 16px;padding:8px 12px;background:#fff4d6;color:#7a4a00;border-radius:8px;font-weight:600;text-align:center">${escapeHtml(block.text)}</p>`
    case 'heading':
      return `<h1 style="margin:0 0 12px;font-size:20px;line-height:1.3">${escapeHtml(block.text)}</h1>`
    case 'paragraph':
      return `<p style="margin:0 0 16px">${escapeHtml(block.text)}</p>`
    case 'note':
      return `<p style="margin:-12px 0 16px;color:#596070;font-size:13px">${escapeHtml(block.text)}</p>`
    case 'code':
      return `<p style="margin:0 0 4px;color:#596070;font-size:13px">${escapeHtml(block.label)}</p>
<pre style="margin:0 0 16px;padding:10px 12px;background:#f6f7f9;border:1px solid #e2e5ea;border-radius:8px;white-space:pre-wrap;word-break:break-all;font-size:14px;${MONO}">${escapeHtml(block.text)}</pre>`
    case 'button':
      return `<p style="margin:8px 0 20px"><a href="${escapeHtml(block.href)}" style="display:inline-block;padding:11px 18px;background:${accent.background};color:${accent.text};border-radius:8px;text-decoration:none;font-weight:600">${escapeHtml(block.label)}</a></p>`
    case 'table':
      return `<h2 style="margin:24px 0 4px;font-size:15px">${escapeHtml(block.title)}</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-collapse:collapse;font-size:14px">
${block.rows.map((row) => `<tr><td style="padding:6px 0;border-bottom:1px solid #e2e5ea">${escapeHtml(row.label)}</td><td align="right" style="padding:6px 0;border-bottom:1px solid #e2e5ea;white-space:nowrap">${escapeHtml(row.amount)}</td></tr>`).join('\n')}
<tr><td style="padding:8px 0;font-weight:700">${escapeHtml(block.total.label)}</td><td align="right" style="padding:8px 0;font-weight:700;white-space:nowrap">${escapeHtml(block.total.amount)}</td></tr>
</table>`
  }
}
