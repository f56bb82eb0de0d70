// The public shop pages, built and cached. A request costs one statement when cached: the shop (by
// slug or custom domain) read with its public mode's catalog version, and the page is kept in the
// read cache under that version and the shop's settings version. A product written or its stock
// changed moves the catalog version; PATCH /v1/shop moves the settings version; either way the next
// request renders afresh. Products are read after the version, so what a page shows is at least as
// new as the version it is stored under (never stale, at worst re-rendered once more).
import type { Services } from '../../services.ts'
import { findActiveProduct, listActiveProducts, type Product } from '../catalog/index.ts'
import {
  renderProductPage,
  renderShopPage,
  renderSitemap,
  shopPageCsp,
  type StorefrontProduct,
  type StorefrontShop,
} from '../storefront/index.ts'
import { shopUrl } from './shops.mappers.ts'
import * as repo from './shops.repository.ts'

type Deps = Pick<Services, 'db' | 'config' | 'readCache'>

/** The shop a request names: `/s/<slug>/…`, or its custom domain in the Host header. */
export type ShopAddress = { slug: string } | { domain: string }
/** `page`: the shop page's page of products, from 1 (SHOP_PAGE_SIZE each). */
export type PageRequest = { kind: 'shop'; page: number } | { kind: 'product'; slug: string } | { kind: 'sitemap' }

/** Products per shop page: a big catalog is split in pages a phone loads quickly. */
export const SHOP_PAGE_SIZE = 48
/** `body` is kept encoded: a cached page is sent as bytes, never encoded again. */
export type RenderedPage = { body: Buffer; contentType: string; csp: string | null }

/** The page, or null when the shop or the product does not exist (or is not on sale). */
export async function storefrontPage(
  services: Deps,
  address: ShopAddress,
  request: PageRequest,
): Promise<RenderedPage | null> {
  const shop = await repo.findStorefront(services.db, address)
  if (!shop) return null
  const onDomain = 'domain' in address
  const key = `storefront:${shop.id}:${shop.settings_version}:${onDomain ? 'domain' : 'path'}:${request.kind}:${request.kind === 'product' ? request.slug : request.kind === 'shop' ? request.page : ''}`
  const version = Number(shop.catalog_version)
  const cached = services.readCache.get<RenderedPage>(key, version)
  if (cached) return cached
  const page = await renderPage(services, storefrontShop(services.config.http.publicUrl, shop, onDomain), request, {
    shopId: shop.id,
    livemode: shop.storefront_mode === 'live',
  })
  // Unknown product slugs and pages past the end are not kept: anyone could fill the cache with them.
  if (page) services.readCache.set(key, version, page)
  return page
}

async function renderPage(
  services: Deps,
  shop: StorefrontShop,
  request: PageRequest,
  scope: { shopId: string; livemode: boolean },
): Promise<RenderedPage | null> {
  const { publicUrl } = services.config.http
  if (request.kind === 'product') {
    const product = await findActiveProduct(services.db, scope, request.slug, publicUrl)
    return product ? html(shop, renderProductPage(shop, storefrontProduct(product))) : null
  }
  const products = (await listActiveProducts(services.db, scope, publicUrl)).map(storefrontProduct)
  if (request.kind === 'sitemap')
    return {
      body: Buffer.from(renderSitemap(shop, products)),
      contentType: 'application/xml; charset=utf-8',
      csp: null,
    }
  const pages = Math.max(1, Math.ceil(products.length / SHOP_PAGE_SIZE))
  if (request.page > pages) return null
  const start = (request.page - 1) * SHOP_PAGE_SIZE
  return html(shop, renderShopPage(shop, products.slice(start, start + SHOP_PAGE_SIZE), { page: request.page, pages }))
}

function html(shop: StorefrontShop, body: string): RenderedPage {
  return { body: Buffer.from(body), contentType: 'text/html; charset=utf-8', csp: shopPageCsp(shop) }
}

type StorefrontRow = NonNullable<Awaited<ReturnType<typeof repo.findStorefront>>>

/** The renderers' view of a shop (the checkout form's too: checkout-shop.ts). */
export function storefrontShop(
  publicUrl: string,
  row: Pick<
    StorefrontRow,
    'name' | 'slug' | 'brand_color' | 'logo_url' | 'support_email' | 'storefront_mode' | 'custom_domain'
  >,
  onDomain: boolean,
): StorefrontShop {
  return {
    name: row.name,
    slug: row.slug,
    brand: { color: row.brand_color, logoUrl: row.logo_url, supportEmail: row.support_email },
    livemode: row.storefront_mode === 'live',
    basePath: onDomain ? '' : `/s/${row.slug}`,
    canonicalUrl: row.custom_domain ? `https://${row.custom_domain}` : shopUrl(publicUrl, row.slug),
    checkoutPath: `/s/${row.slug}/checkout`,
    imageOrigin: new URL(publicUrl).origin,
  }
}

function storefrontProduct(product: Product): StorefrontProduct {
  return {
    id: product.id,
    name: product.name,
    slug: product.slug,
    priceCents: product.price_cents,
    currency: product.currency,
    description: product.description,
    stock: product.stock,
    imageUrl: product.image_url,
  }
}
