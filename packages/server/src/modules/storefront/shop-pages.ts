// The public shop pages: the shop's product grid, one product with its description and the buy
// form, and the sitemap. No script at all (the CSP allows none); the buy form is a plain GET to the
// checkout form, so everything works without JavaScript. Every value is escaped where written.
import { brandCss, logoImg, logoOrigin } from './brand.ts'
import { escapeHtml } from './escape-html.ts'
import { formatMoney } from './format.ts'
import { descriptionSummary, renderDescription } from './markdown.ts'
import { maxQuantity, type StorefrontProduct, type StorefrontShop } from './shop-view.ts'
import { SHOP_PAGE_CSS } from './shop-page.styles.ts'

/** No script; styles inline; images from sx's own origin (and the logo's); the buy form goes to this host. */
export function shopPageCsp(shop: Pick<StorefrontShop, 'brand' | 'imageOrigin'>): string {
  const logo = logoOrigin(shop.brand)
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src ${shop.imageOrigin}${logo && logo !== shop.imageOrigin ? ` ${logo}` : ''}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** One page of the shop's products (`paging.page` of `paging.pages`), with links to the others. */
export function renderShopPage(
  shop: StorefrontShop,
  products: StorefrontProduct[],
  paging: { page: number; pages: number },
): string {
  const grid =
    products.length === 0
      ? '<p class="empty">Nothing is on sale here yet. Come back soon.</p>'
      : `<ul class="products">\n${products.map((product) => productCard(shop, product)).join('\n')}\n</ul>`
  const { page } = paging
  return renderShopDocument(shop, {
    title: page > 1 ? `${shop.name} · page ${page}` : shop.name,
    description: `Buy from ${shop.name}.`,
    url: page > 1 ? `${shop.canonicalUrl}?page=${page}` : shop.canonicalUrl,
    image: products.find((product) => product.imageUrl)?.imageUrl ?? shop.brand.logoUrl,
    body: `<h1 class="visually-hidden">${escapeHtml(shop.name)}</h1>\n${grid}\n${pager(shop, paging)}`,
  })
}

function pager(shop: StorefrontShop, { page, pages }: { page: number; pages: number }): string {
  if (pages <= 1) return ''
  const href = (n: number) => escapeHtml(`${shop.basePath || '/'}${n > 1 ? `?page=${n}` : ''}`)
  return `<nav class="pager" aria-label="Pages">
  ${page > 1 ? `<a rel="prev" href="${href(page - 1)}">← Previous</a>` : '<span></span>'}
  <span>Page ${page} of ${pages}</span>
  ${page < pages ? `<a rel="next" href="${href(page + 1)}">Next →</a>` : '<span></span>'}
</nav>`
}

export function renderProductPage(shop: StorefrontShop, product: StorefrontProduct): string {
  const soldOut = product.stock === 0
  return renderShopDocument(shop, {
    title: `${product.name} · ${shop.name}`,
    description: descriptionSummary(product.description) || `${product.name} from ${shop.name}.`,
    url: `${shop.canonicalUrl}/${product.slug}`,
    image: product.imageUrl ?? shop.brand.logoUrl,
    ogType: 'product',
    body: `<a class="back" href="${escapeHtml(shop.basePath || '/')}">← All products</a>
<article class="product">
  ${product.imageUrl ? `<img class="product-image" src="${escapeHtml(product.imageUrl)}" alt="${escapeHtml(product.name)}" width="640" height="640">` : ''}
  <div>
    <h1>${escapeHtml(product.name)}</h1>
    <p class="price" data-testid="price">${escapeHtml(formatMoney(product.priceCents, product.currency))}</p>
    ${soldOut ? '<p class="sold-out" data-testid="sold-out">Sold out</p>' : stockLine(product.stock)}
    ${soldOut ? '' : buyForm(shop, product)}
    <div class="description" data-testid="description">${renderDescription(product.description)}</div>
  </div>
</article>`,
  })
}

/** The shop's sitemap: its page and each active product's, at their canonical addresses. */
export function renderSitemap(shop: Pick<StorefrontShop, 'canonicalUrl'>, products: StorefrontProduct[]): string {
  const urls = [shop.canonicalUrl, ...products.map((product) => `${shop.canonicalUrl}/${product.slug}`)]
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((url) => `  <url><loc>${escapeHtml(url)}</loc></url>`).join('\n')}
</urlset>
`
}

function productCard(shop: StorefrontShop, product: StorefrontProduct): string {
  const image = product.imageUrl
    ? `<img class="thumb" src="${escapeHtml(product.imageUrl)}" alt="" width="320" height="320" loading="lazy">`
    : ''
  return `<li class="product-card" data-testid="product"><a href="${escapeHtml(`${shop.basePath}/${product.slug}`)}">${image}<span class="card-body"><span class="product-name">${escapeHtml(product.name)}</span><span class="price">${escapeHtml(formatMoney(product.priceCents, product.currency))}</span>${product.stock === 0 ? '<span class="sold-out">Sold out</span>' : ''}</span></a></li>`
}

function stockLine(stock: number | null): string {
  return stock === null ? '' : `<p class="stock">${stock} in stock</p>`
}

/** "Buy now": a plain GET to the checkout form with the product and a quantity the stock allows. */
function buyForm(shop: StorefrontShop, product: StorefrontProduct): string {
  const options = Array.from({ length: maxQuantity(product) }, (_, i) => `<option>${i + 1}</option>`).join('')
  return `<form class="buy" method="get" action="${escapeHtml(shop.checkoutPath)}">
      <input type="hidden" name="product" value="${escapeHtml(product.id)}">
      <label>Quantity <select name="qty">${options}</select></label>
      <button class="button" type="submit">Buy now</button>
      <button class="button button-secondary" type="submit" formaction="${escapeHtml(`/s/${shop.slug}/cart`)}">Add to cart</button>
    </form>`
}

export type ShopDocument = {
  title: string
  description: string
  url: string
  image: string | null
  ogType?: string
  body: string
}

/** A shop page's document (head, banner, header, footer) around `page.body`; the checkout form uses it too. */
export function renderShopDocument(shop: StorefrontShop, page: ShopDocument): string {
  const meta = (property: string, content: string) => `<meta property="${property}" content="${escapeHtml(content)}">`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<meta name="description" content="${escapeHtml(page.description)}">
<link rel="canonical" href="${escapeHtml(page.url)}">
${meta('og:type', page.ogType ?? 'website')}
${meta('og:site_name', shop.name)}
${meta('og:title', page.title)}
${meta('og:description', page.description)}
${meta('og:url', page.url)}
${page.image ? meta('og:image', page.image) : ''}
${shop.livemode ? '' : '<meta name="robots" content="noindex">'}
<style>${SHOP_PAGE_CSS}${brandCss(shop.brand)}</style>
</head>
<body>
<header>
  ${shop.livemode ? '' : '<p class="test-banner" role="note" data-testid="test-banner">Test shop — payments are simulated; nothing here is really sold</p>'}
  <div class="shop-header"><a class="shop-name" href="${escapeHtml(shop.basePath || '/')}">${logoImg(shop.brand)}${escapeHtml(shop.name)}</a></div>
</header>
<main class="page">
${page.body}
</main>
<footer class="page-footer">${supportLine(shop)}</footer>
</body>
</html>
`
}

function supportLine(shop: StorefrontShop): string {
  const email = shop.brand.supportEmail
  return email ? `<p>Questions? Write to <a href="mailto:${escapeHtml(email)}">${escapeHtml(email)}</a>.</p>` : ''
}
