// The storefront's cart: product ids and quantities in a cookie per shop (`sx_cart`, path
// `/s/<shop>`), so several products can be bought in one order without JavaScript or a session.
// It holds nothing secret: ids and numbers, checked again when the form is sent.
import { MAX_LINES, MAX_QTY } from './orders.schemas.ts'

export type CartItem = { productId: string; qty: number }

export const CART_COOKIE = 'sx_cart'

const ITEM = /^(prod_[0-9A-Za-z]{1,40}):(\d{1,3})$/

/** The cart a cookie value holds; anything malformed is left out. */
export function parseCart(value: string | null): CartItem[] {
  if (!value) return []
  const items: CartItem[] = []
  for (const part of decodeURIComponent(value).split(',')) {
    const match = ITEM.exec(part)
    if (match) items.push({ productId: match[1]!, qty: Math.min(Number(match[2]), MAX_QTY) })
  }
  return mergeItems(items)
}

/** One line per product (quantities added, at most MAX_QTY), zero quantities removed, at most MAX_LINES. */
export function mergeItems(items: CartItem[]): CartItem[] {
  const merged = new Map<string, number>()
  for (const { productId, qty } of items) merged.set(productId, Math.min((merged.get(productId) ?? 0) + qty, MAX_QTY))
  return [...merged]
    .filter(([, qty]) => qty > 0)
    .slice(0, MAX_LINES)
    .map(([productId, qty]) => ({ productId, qty }))
}

/** The Set-Cookie header value for this shop's cart (an empty cart deletes the cookie). */
export function cartCookie(shopSlug: string, items: CartItem[]): string {
  const value = items.map((item) => `${item.productId}:${item.qty}`).join(',')
  const attributes = `Path=/s/${shopSlug}; HttpOnly; SameSite=Lax`
  return value ? `${CART_COOKIE}=${value}; ${attributes}; Max-Age=604800` : `${CART_COOKIE}=; ${attributes}; Max-Age=0`
}

/** Items from a form or query string: `product` and `qty` repeated in step (a missing qty is 1). */
export function itemsOf(products: string[], qtys: string[], floor = 1): CartItem[] {
  return products.slice(0, MAX_LINES).map((productId, i) => {
    const qty = Number(qtys[i] ?? '1')
    return { productId, qty: Number.isInteger(qty) ? Math.max(floor, Math.min(qty, MAX_QTY)) : 1 }
  })
}
