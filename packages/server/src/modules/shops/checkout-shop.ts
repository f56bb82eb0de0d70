// What the storefront's checkout form needs of a shop: its page view, its public mode and the
// chain/asset pairs it accepts there (its `payment_methods` within what the mode's provider offers).
import type { Services } from '../../services.ts'
import type { PaymentMethod } from '../payments/index.ts'
import type { StorefrontShop } from '../storefront/index.ts'
import { storefrontShop } from './pages.service.ts'
import { offeredByMode } from './settings.service.ts'
import { toShop } from './shops.mappers.ts'
import * as repo from './shops.repository.ts'

export type CheckoutShop = {
  id: string
  livemode: boolean
  view: StorefrontShop
  methods: PaymentMethod[]
}

/** The shop by slug or id, or null. */
export async function findCheckoutShop(
  services: Pick<Services, 'db' | 'config' | 'payments'>,
  by: { slug: string } | { id: string },
): Promise<CheckoutShop | null> {
  const row = 'slug' in by ? await repo.findShopBySlug(services.db, by.slug) : await repo.findShop(services.db, by.id)
  if (!row) return null
  const publicUrl = services.config.http.publicUrl
  const shop = toShop(row, publicUrl, await offeredByMode(services))
  const livemode = shop.storefront_mode === 'live'
  return {
    id: row.id,
    livemode,
    view: storefrontShop(publicUrl, row, false),
    methods: livemode ? shop.payment_methods.live : shop.payment_methods.test,
  }
}

/** The pairs an order's shop accepts now in the order's mode (the order page's change of method). */
export async function acceptedMethods(
  services: Pick<Services, 'db' | 'config' | 'payments'>,
  shopId: string,
  livemode: boolean,
): Promise<PaymentMethod[]> {
  const row = await repo.findShop(services.db, shopId)
  if (!row) return []
  const shop = toShop(row, services.config.http.publicUrl, await offeredByMode(services))
  return livemode ? shop.payment_methods.live : shop.payment_methods.test
}
