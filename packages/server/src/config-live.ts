// The live-payment settings (API.md "Live payments"), read by config.ts and kept apart from it so the
// chain rails grow here. Every setting is optional: a chain without SX_RPC_<CHAIN> is not offered.
// Only parsing and format checks happen here; what the node itself says (its chain id, each token's
// decimals) is checked at start by modules/chains (`connectChains`), which names the same settings.
import { validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'

export const EVM_CHAINS = ['ethereum', 'base', 'polygon', 'bsc'] as const
export type EvmChain = (typeof EVM_CHAINS)[number]

/** Mainnet EIP-155 ids: the default of SX_CHAIN_ID_<CHAIN>. */
const MAINNET_CHAIN_IDS: Record<EvmChain, number> = { ethereum: 1, base: 8453, polygon: 137, bsc: 56 }

/**
 * Default of SX_CONFIRMATIONS_<CHAIN>: blocks (including the payment's own) before a payment counts.
 * The depths payment processors use (crypto.md §2.2): local nodes report `finalized` == `latest`, so
 * sx counts depth, never the tag.
 */
const DEFAULT_CONFIRMATIONS: Record<EvmChain, number> = { ethereum: 12, base: 12, polygon: 127, bsc: 15 }

/**
 * Default of SX_TOKEN_<CHAIN>_<ASSET>: the mainnet stablecoin contracts (Tether's and Circle's own; on
 * bsc the Binance-peg tokens, 18 decimals). The assets listed per chain are the tokens sx takes there.
 */
const MAINNET_TOKENS: Record<EvmChain, Record<string, string>> = {
  ethereum: {
    USDT: '0xdAC17F958D2ee523a2206206994597C13D831ec7',
    USDC: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
  },
  base: { USDC: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913' },
  polygon: {
    USDT: '0xc2132D05D31c914a87C6611C10748AEb04B58e8F',
    USDC: '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359',
  },
  bsc: {
    USDT: '0x55d398326f99059fF775485246999027B3197955',
    USDC: '0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d',
  },
}

export type EvmTokenSettings = Readonly<{ asset: string; contract: `0x${string}`; setting: string }>

export type EvmChainSettings = Readonly<{
  chain: EvmChain
  rpcUrl: string
  chainId: number
  confirmations: number
  tokens: readonly EvmTokenSettings[]
  /** The names of the settings, for errors that must say which one to fix. */
  settings: Readonly<{ rpc: string; chainId: string; confirmations: string }>
}>

export type LiveConfig = Readonly<{
  /** SX_WALLET_MNEMONIC, normalised (single spaces, lower case); null = the phrase `sx wallet init` stored, if any. */
  walletMnemonic: string | null
  /** The EVM chains whose SX_RPC_<CHAIN> is set, in EVM_CHAINS order. */
  evm: readonly EvmChainSettings[]
  /** RATES_URL: `GET RATES_URL?currency=USD` → units of each asset per unit of the currency (Coinbase's shape). */
  ratesUrl: string
  /** SX_WATCH_INTERVAL_MS: how often each chain's watcher scans for new blocks. */
  watchIntervalMs: number
  /** SX_WATCH_RANGE_BLOCKS: blocks per committed scan range (the cursor moves range by range). */
  watchRangeBlocks: number
}>

/** The public Coinbase exchange-rates endpoint: RATES_URL's default (API.md "Live payments"). */
export const DEFAULT_RATES_URL = 'https://api.coinbase.com/v2/exchange-rates'

type Env = Record<string, string | undefined>

/** Parses the live settings, pushing one line per problem (never echoing the phrase). */
export function loadLiveConfig(env: Env, problems: string[]): LiveConfig {
  const ratesUrl = env.RATES_URL?.trim() || DEFAULT_RATES_URL
  if (!isHttpUrl(ratesUrl)) problems.push('RATES_URL must be an http:// or https:// URL')
  return {
    walletMnemonic: parseMnemonic(env.SX_WALLET_MNEMONIC, problems),
    evm: parseEvmChains(env, problems),
    ratesUrl,
    watchIntervalMs: integer(env, 'SX_WATCH_INTERVAL_MS', 4000, 10, 3_600_000, problems),
    watchRangeBlocks: integer(env, 'SX_WATCH_RANGE_BLOCKS', 2000, 1, 100_000, problems),
  }
}

function parseMnemonic(raw: string | undefined, problems: string[]): string | null {
  if (raw === undefined || raw.trim() === '') return null
  const phrase = raw.trim().toLowerCase().split(/\s+/).join(' ')
  const words = phrase.split(' ').length
  // The message counts words but never repeats them: a typo'd phrase is still nearly the secret.
  if (words !== 12 && words !== 24)
    problems.push(`SX_WALLET_MNEMONIC must be a BIP-39 phrase of 12 or 24 words (got ${words} words)`)
  else if (!validateMnemonic(phrase, wordlist))
    problems.push(
      'SX_WALLET_MNEMONIC is not a valid BIP-39 phrase (a word outside the English list, or a wrong checksum)',
    )
  return phrase
}

function parseEvmChains(env: Env, problems: string[]): EvmChainSettings[] {
  const configured: EvmChainSettings[] = []
  for (const chain of EVM_CHAINS) {
    const upper = chain.toUpperCase()
    const settings = {
      rpc: `SX_RPC_${upper}`,
      chainId: `SX_CHAIN_ID_${upper}`,
      confirmations: `SX_CONFIRMATIONS_${upper}`,
    }
    const rpcUrl = env[settings.rpc]?.trim() ?? ''
    if (rpcUrl === '') continue
    if (!isHttpUrl(rpcUrl)) problems.push(`${settings.rpc} must be an http:// or https:// JSON-RPC URL`)
    const tokens = Object.entries(MAINNET_TOKENS[chain]).map(([asset, fallback]) => {
      const setting = `SX_TOKEN_${upper}_${asset}`
      const contract = env[setting]?.trim() || fallback
      if (!/^0x[0-9a-fA-F]{40}$/.test(contract))
        problems.push(`${setting} must be a contract address, 0x and 40 hex digits (got "${contract}")`)
      return { asset, contract: contract as `0x${string}`, setting }
    })
    configured.push({
      chain,
      rpcUrl,
      chainId: integer(env, settings.chainId, MAINNET_CHAIN_IDS[chain], 1, 2 ** 53 - 1, problems),
      confirmations: integer(env, settings.confirmations, DEFAULT_CONFIRMATIONS[chain], 1, 10_000, problems),
      tokens,
      settings,
    })
  }
  return configured
}

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`)
    return fallback
  }
  return value
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
