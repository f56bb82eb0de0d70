// What either check of `sx doctor` reports when a figure disagrees with what it should be.
export type Difference = {
  shopId: string
  livemode: boolean
  /** What disagrees: a balance (`USD`), an order (`ord_…`), a product (`prod_…`) or an order line (`ord_… prod_…`). */
  subject: string
  check: string
  found: number
  expected: number
}

export function describeDifference(d: Difference): string {
  return `${d.shopId} ${d.livemode ? 'live' : 'test'} ${d.subject}: ${d.check} is ${d.found}, expected ${d.expected}`
}
