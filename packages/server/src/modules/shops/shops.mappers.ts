import { toIso } from '../../platform/clock.ts'
import type { PaymentMethod } from '../payments/index.ts'
import type { PaymentMethods, Shop } from './shops.schemas.ts'
import type { ShopsTable } from './shops.table.ts'

/** `offered`: what each mode's provider takes now; a shop's own list is shown within it. */
export function toShop(row: ShopsTable, publicUrl: string, offered: PaymentMethods): Shop {
  return {
    id: row.id,
    name: row.name,
    support_email: row.support_email,
    logo_url: row.logo_url,
    brand_color: row.brand_color,
    slug: row.slug,
    url: shopUrl(publicUrl, row.slug),
    storefront_mode: row.storefront_mode === 'live' ? 'live' : 'test',
    custom_domain: row.custom_domain,
    payment_methods: {
      test: acceptedMethods(row.payment_methods_test, offered.test),
      live: acceptedMethods(row.payment_methods_live, offered.live),
    },
    created_at: toIso(row.created_at),
  }
}

export function shopUrl(publicUrl: string, slug: string): string {
  return `${publicUrl}/s/${slug}`
}

/** The stored list (JSON) within what is offered now, or all that is offered when none is stored. */
function acceptedMethods(stored: string | null, offered: PaymentMethod[]): PaymentMethod[] {
  if (stored === null) return offered
  const chosen = JSON.parse(stored) as PaymentMethod[]
  return offered.filter((o) => chosen.some((c) => c.chain === o.chain && c.asset === o.asset))
}
