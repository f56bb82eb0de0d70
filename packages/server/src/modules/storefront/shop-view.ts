// The view model of the public shop pages (`/s/<slug>`, a custom domain); the shops module builds
// it from the shop's settings and its active products, the renderers read nothing else.
import type { Brand } from './view.ts'

export type StorefrontShop = {
  name: string
  slug: string
  brand: Brand
  /** false → every page carries the "Test shop" banner. */
  livemode: boolean
  /** The prefix of the shop's links as the buyer reached it: `/s/<slug>`, or '' on its custom domain. */
  basePath: string
  /** The shop page's canonical address (its custom domain when it has one), without a trailing slash. */
  canonicalUrl: string
  /** Where "Buy now" goes: `/s/<slug>/checkout` (the checkout form). */
  checkoutPath: string
  /** The origin product images are served from (PUBLIC_URL's), for the pages' Content-Security-Policy. */
  imageOrigin: string
}

export type StorefrontProduct = {
  id: string
  name: string
  slug: string
  priceCents: number
  currency: string
  /** Markdown, rendered and sanitised by markdown.ts. */
  description: string | null
  /** null: unlimited. */
  stock: number | null
  imageUrl: string | null
}

/** The most a buyer can pick in one go: the stock, at most 100; 0 when sold out. */
export function maxQuantity(product: Pick<StorefrontProduct, 'stock'>): number {
  return Math.min(product.stock ?? 100, 100)
}
