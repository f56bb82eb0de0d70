import { toIso } from '../../platform/clock.ts'
import type { Shop } from './shops.schemas.ts'
import type { ShopsTable } from './shops.table.ts'

export function toShop(row: ShopsTable): Shop {
  return {
    id: row.id,
    name: row.name,
    support_email: row.support_email,
    logo_url: row.logo_url,
    brand_color: row.brand_color,
    created_at: toIso(row.created_at),
  }
}
