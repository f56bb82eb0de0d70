/** `"Adobe Créative Cloud Key!"` → `"adobe-creative-cloud-key"`; never empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '')
  return slug || 'product'
}

/** The base slug if free, else the first free `base-N` (N ≥ 2). */
export function nextFreeSlug(base: string, taken: readonly string[]): string {
  const used = new Set(taken)
  if (!used.has(base)) return base
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`
}

/** Paths under `/s/<shop>/` that are not products (the checkout form, the cart): never a product's slug. */
export const RESERVED_PRODUCT_SLUGS: readonly string[] = ['checkout', 'cart']
