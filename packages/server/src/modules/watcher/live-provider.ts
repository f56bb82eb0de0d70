// The live invoice provider for EVM chains: each live order gets a deposit address of its own (the
// wallet's persisted counter, never reused) and an exact amount in base units. Stablecoins for USD
// are 1:1; any other pair is priced by the rate source and the quote is locked on the invoice (the
// watched address keeps it). It is `in_process`: inside the order's transaction it only derives an
// address and reads a rate from memory, so the address, the quote and the order commit together.
// With no fresh rate in memory it refuses there, and checkout asks again outside any transaction
// (the remote steps), where the rate is fetched: a stale or missing rate is then a 503, never a guess.
import type { LiveConfig } from '../../config-live.ts'
import type { Db, DbOrTrx } from '../../db/database.ts'
import type { Clock } from '../../platform/clock.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import {
  findAsset,
  type InvoiceRequest,
  type PaymentProvider,
  type ProviderResult,
  type Invoice,
} from '../payments/index.ts'
import { allocateDepositAddress, findWallet, type Wallet } from '../wallet/index.ts'
import { quoteAtRate, type Rate, type RateSource } from './rates.ts'
import { insertWatchAddress } from './watcher.repository.ts'

export type LiveProviderDeps = Readonly<{
  db: Db
  clock: Clock
  secretBox: SecretBox
  live: LiveConfig
  rates: RateSource
}>

export const LIVE_PROVIDER_ID = 'evm'

const NATIVE: Record<string, string> = { ethereum: 'ETH', base: 'ETH', polygon: 'POL', bsc: 'BNB' }

export function createLiveProvider(deps: LiveProviderDeps): PaymentProvider {
  let wallet: Promise<Wallet | null> | null = null
  // The phrase is read once; a failed read (database away) is asked again next time.
  const openWallet = () =>
    (wallet ??= findWallet({ db: deps.db, secretBox: deps.secretBox, live: deps.live }).catch((error: unknown) => {
      wallet = null
      throw error
    }))

  const settingsOf = (chain: string) => deps.live.evm.find((c) => c.chain === chain)

  async function refusal({ chain, asset }: { chain: string; asset: string }): Promise<string | null> {
    if (!Object.hasOwn(NATIVE, chain))
      return `Live payments on ${chain} are not available on this server yet; choose ethereum, base, polygon or bsc.`
    const settings = settingsOf(chain)
    const upper = chain.toUpperCase()
    if (!settings) return `Live payments on ${chain} are not configured on this server: SX_RPC_${upper} is not set.`
    if (asset !== NATIVE[chain] && !settings.tokens.some((t) => t.asset === asset))
      return `Live payments in ${asset} on ${chain} are not configured: SX_TOKEN_${upper}_${asset} is not set.`
    if (!(await openWallet()))
      return 'Live payments need the operator wallet: SX_WALLET_MNEMONIC is not set and sx wallet init has not been run.'
    return null
  }

  async function createInvoice(request: InvoiceRequest): Promise<ProviderResult<Invoice>> {
    const asset = findAsset(request.chain, request.asset)
    const settings = settingsOf(request.chain)
    if (!asset || !settings)
      return { ok: false, retryable: false, reason: `${request.asset} is not available on ${request.chain}` }
    const now = deps.clock.now()
    const currency = request.currency.toUpperCase()
    let rate: Rate | null = null
    let amount: bigint
    if (asset.stablecoin && currency === 'USD') {
      amount = BigInt(request.priceCents) * 10n ** BigInt(asset.decimals - 2)
    } else {
      // In the order's transaction only memory is asked; outside it the source is.
      rate = request.trx
        ? deps.rates.cached(currency, asset.asset, now)
        : await deps.rates.fetch(currency, asset.asset, now)
      if (!rate)
        return { ok: false, retryable: true, reason: `no current ${currency} rate for ${asset.asset} from RATES_URL` }
      amount = quoteAtRate(request.priceCents, rate.rate, asset.decimals)
    }
    const open = await openWallet()
    if (!open) return { ok: false, retryable: false, reason: 'no operator wallet' }
    const token = asset.asset === NATIVE[request.chain] ? null : settings.tokens.find((t) => t.asset === asset.asset)
    if (token === undefined)
      return { ok: false, retryable: false, reason: `${asset.asset} is not configured on ${request.chain}` }
    const record = async (trx: DbOrTrx) => {
      const { index, address } = await allocateDepositAddress(trx, open, 'evm', now)
      await insertWatchAddress(trx, {
        chain: request.chain,
        address: address.toLowerCase(),
        order_id: request.orderId,
        asset: asset.asset,
        token: token ? token.contract.toLowerCase() : null,
        address_index: index,
        amount_due: amount.toString(),
        quote: rate
          ? JSON.stringify({ currency, asset: rate.asset, rate: rate.rate, at: new Date(rate.at).toISOString() })
          : null,
        created_at: now,
      })
      return address
    }
    const address = request.trx ? await record(request.trx) : await deps.db.transaction().execute(record)
    return { ok: true, value: { providerRef: `evm_${request.orderId}`, address, amountDue: amount.toString() } }
  }

  return { id: LIVE_PROVIDER_ID, invoicing: 'in_process', refusal, createInvoice }
}
