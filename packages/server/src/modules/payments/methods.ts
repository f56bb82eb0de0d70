// Payment methods: the chain and asset pairs a provider takes. A shop accepts a subset of what its
// mode's provider offers (shops' `payment_methods`); the checkout form offers the shop's subset.
import { CHAINS, assetsOf, type Chain } from './chains.ts'
import type { PaymentProvider } from './provider.ts'

export type PaymentMethod = { chain: Chain; asset: string }

/** Every pair sx knows, in CHAINS order. */
const ALL_METHODS: readonly PaymentMethod[] = CHAINS.flatMap((chain) =>
  assetsOf(chain).map(({ asset }) => ({ chain, asset })),
)

/** The pairs `provider` takes now (those it does not refuse); none without a provider. */
export async function offeredMethods(provider: PaymentProvider | null): Promise<PaymentMethod[]> {
  if (!provider) return []
  if (!provider.refusal) return [...ALL_METHODS]
  const refusals = await Promise.all(ALL_METHODS.map((method) => provider.refusal!(method)))
  return ALL_METHODS.filter((_, i) => refusals[i] === null)
}
