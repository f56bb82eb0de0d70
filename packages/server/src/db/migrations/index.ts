// The list of migrations, in order. A static list works the same from TypeScript sources and from dist/.
// Migrations that seal data at rest get the secret box's `seal` and `digest` from the caller.
import type { Migration } from 'kysely'
import * as foundation from './2026_11_27_0001_foundation.ts'
import * as catalogVersions from './2026_11_27_0002_catalog_versions.ts'
import * as orders from './2026_11_27_0003_orders.ts'
import * as webhooks from './2026_11_27_0004_webhooks.ts'
import * as money from './2026_11_27_0005_money.ts'
import * as stockMovements from './2026_11_29_0006_stock_movements.ts'
import { secretsAtRest, type AtRest } from './2026_11_29_0007_secrets_at_rest.ts'
import * as poolIndex from './2026_11_29_0008_pool_index.ts'
import * as jobsIndex from './2026_11_29_0009_jobs_index.ts'
import * as wallet from './2026_11_29_0010_wallet.ts'
import * as watcher from './2026_11_29_0011_watcher.ts'
import * as treasury from './2026_11_29_0012_treasury.ts'
import * as ownerSessions from './2026_11_30_0013_owner_sessions.ts'
import * as shopSettings from './2026_11_30_0014_shop_settings.ts'
import * as ordersPaidIndex from './2026_11_30_0015_orders_paid_index.ts'
import * as feeBumps from './2026_11_30_0016_fee_bumps.ts'
import * as coupons from './2026_11_30_0017_coupons.ts'
import * as storefront from './2026_11_30_0018_storefront.ts'
import * as publicCheckout from './2026_11_30_0019_public_checkout.ts'
import * as eventObjects from './2026_11_30_0020_event_objects.ts'

export type { AtRest }

export function migrations(atRest: AtRest): Record<string, Migration> {
  return {
    '2026_11_27_0001_foundation': foundation,
    '2026_11_27_0002_catalog_versions': catalogVersions,
    '2026_11_27_0003_orders': orders,
    '2026_11_27_0004_webhooks': webhooks,
    '2026_11_27_0005_money': money,
    '2026_11_29_0006_stock_movements': stockMovements,
    '2026_11_29_0007_secrets_at_rest': secretsAtRest(atRest),
    '2026_11_29_0008_pool_index': poolIndex,
    '2026_11_29_0009_jobs_index': jobsIndex,
    '2026_11_29_0010_wallet': wallet,
    '2026_11_29_0011_watcher': watcher,
    '2026_11_29_0012_treasury': treasury,
    '2026_11_30_0013_owner_sessions': ownerSessions,
    '2026_11_30_0014_shop_settings': shopSettings,
    '2026_11_30_0015_orders_paid_index': ordersPaidIndex,
    '2026_11_30_0016_fee_bumps': feeBumps,
    '2026_11_30_0017_coupons': coupons,
    '2026_11_30_0018_storefront': storefront,
    '2026_11_30_0019_public_checkout': publicCheckout,
    '2026_11_30_0020_event_objects': eventObjects,
  }
}
