// Coupons: the merchant's codes, and their redemption in an order's transaction (orders calls it).
export { couponsRoutes } from './coupons.routes.ts'
export { redeemCoupon, releaseRedemption, type PricedLine, type Redemption } from './redemption.ts'
