// The merchant's look on the buyer's page and in mails: their colour on buttons and links, their
// logo, their support address. Values arrive checked by the API (`#rrggbb`, https URL); they are
// still escaped where they are written.
import { escapeHtml } from './escape-html.ts'
import type { Brand } from './view.ts'

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): '#ffffff' | '#15171c' {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
  // Contrast with white (1.05 / (L + .05)) beats contrast with near-black ((L + .05) / .06) below ≈ .18.
  return luminance < 0.18 ? '#ffffff' : '#15171c'
}

const isHexColor = (value: string | null | undefined): value is string => !!value && /^#[0-9a-fA-F]{6}$/.test(value)

/** CSS overriding the page's accent with the brand colour (empty without one); written after the page's own CSS, it wins in both colour schemes. */
export function brandCss(brand: Brand | undefined): string {
  if (!isHexColor(brand?.color)) return ''
  const color = brand.color
  return `:root { --accent: ${color}; --accent-hover: ${color}; --focus: ${color}; --on-accent: ${textOn(color)}; }`
}

/** The logo as an <img> (decorative next to the shop's name), or ''. */
export function logoImg(brand: Brand | undefined, style = ''): string {
  if (!brand?.logoUrl?.startsWith('https://')) return ''
  return `<img class="shop-logo" src="${escapeHtml(brand.logoUrl)}" alt="" height="40"${style ? ` style="${style}"` : ''}>`
}

/** The origin a logo is loaded from, for the page's Content-Security-Policy, or null. */
export function logoOrigin(brand: Brand | undefined): string | null {
  if (!brand?.logoUrl) return null
  try {
    const url = new URL(brand.logoUrl)
    return url.protocol === 'https:' ? url.origin : null
  } catch {
    return null
  }
}

export function brandAccent(brand: Brand | undefined): { background: string; text: string } | null {
  return isHexColor(brand?.color) ? { background: brand.color, text: textOn(brand.color) } : null
}
