// The EVM chain family (ethereum, base, polygon, bsc): one node per chain, the configured stablecoin
// contracts, the start check (chain id, decimals) and balances; Transfer logs for the watcher.
import { erc20Abi, getAddress, type Address } from 'viem'
import type { EvmChain, EvmChainSettings } from '../../config-live.ts'
import { findAsset } from '../payments/index.ts'
import { ChainConfigError, type Balance, type ChainAdapter, type ChainStatus } from './chain-adapter.ts'
import { readTransfers, type TokenTransfer, type TransferQuery } from './logs.ts'
import { createEvmRpc, RpcUnavailableError, STEADY_RETRY, type EvmRpc, type RetryPolicy, type Sleep } from './rpc.ts'

/** The coin each EVM chain pays gas in (payments/chains.ts has its decimals). */
const NATIVE: Record<EvmChain, string> = { ethereum: 'ETH', base: 'ETH', polygon: 'POL', bsc: 'BNB' }

export type EvmToken = Readonly<{ asset: string; contract: Address; decimals: number; setting: string }>

export interface EvmAdapter extends ChainAdapter {
  readonly chain: EvmChain
  readonly rpc: EvmRpc
  readonly nativeAsset: string
  readonly tokens: readonly EvmToken[]
  /** Transfer logs of the chain's tokens (see logs.ts). */
  transfers(query: Omit<TransferQuery, 'tokens'>): Promise<TokenTransfer[]>
}

export type EvmAdapterOptions = { retry?: RetryPolicy; sleep?: Sleep }

export function createEvmAdapter(settings: EvmChainSettings, options: EvmAdapterOptions = {}): EvmAdapter {
  const { chain } = settings
  const rpc = createEvmRpc(settings.rpcUrl, options.retry ?? STEADY_RETRY, options.sleep)
  const origin = rpcOrigin(settings.rpcUrl)
  const tokens: EvmToken[] = settings.tokens.map((token) => ({
    asset: token.asset,
    contract: getAddress(token.contract),
    setting: token.setting,
    decimals: findAsset(chain, token.asset)!.decimals,
  }))
  const nativeAsset = NATIVE[chain]
  const head = () => rpc.call('eth_blockNumber', (client) => client.getBlockNumber({ cacheTime: 0 }))

  async function check(): Promise<ChainStatus> {
    let chainId: number
    try {
      chainId = await rpc.call('eth_chainId', (client) => client.getChainId())
    } catch (error) {
      const reason = error instanceof RpcUnavailableError ? error.message : `eth_chainId failed: ${shortReason(error)}`
      throw new ChainConfigError(
        settings.settings.rpc,
        `${settings.settings.rpc}: the node at ${origin} cannot be used (${reason}); set it to a reachable ${chain} JSON-RPC URL`,
        true,
      )
    }
    if (chainId !== settings.chainId)
      throw new ChainConfigError(
        settings.settings.chainId,
        `${settings.settings.chainId} is ${settings.chainId} but the node at ${settings.settings.rpc} (${origin}) reports chain id ${chainId}; point ${settings.settings.rpc} at a ${chain} node or set ${settings.settings.chainId}`,
      )
    for (const token of tokens) await checkToken(token, chainId)
    return { chain, chainId, head: await head() }
  }

  async function checkToken(token: EvmToken, chainId: number): Promise<void> {
    const where = `${chain} (chain id ${chainId})`
    const code = await rpc.call('eth_getCode', (client) => client.getCode({ address: token.contract }))
    if (code === undefined || code === '0x')
      throw new ChainConfigError(
        token.setting,
        `${token.setting}: there is no contract at ${token.contract} on ${where}`,
      )
    let decimals: number
    try {
      decimals = await rpc.call(`decimals() of ${token.asset}`, (client) =>
        client.readContract({ address: token.contract, abi: erc20Abi, functionName: 'decimals' }),
      )
    } catch (error) {
      throw new ChainConfigError(
        token.setting,
        `${token.setting}: the contract at ${token.contract} on ${where} does not answer decimals() (${shortReason(error)})`,
      )
    }
    if (decimals !== token.decimals)
      throw new ChainConfigError(
        token.setting,
        `${token.setting}: the contract at ${token.contract} on ${where} reports ${decimals} decimals, but ${token.asset} on ${chain} has ${token.decimals}`,
      )
  }

  async function balances(address: string): Promise<Balance[]> {
    const owner = getAddress(address)
    const native = await rpc.call('eth_getBalance', (client) => client.getBalance({ address: owner }))
    const held: Balance[] = [{ asset: nativeAsset, decimals: 18, baseUnits: native, token: null }]
    for (const token of tokens) {
      const baseUnits = await rpc.call(`balanceOf ${token.asset}`, (client) =>
        client.readContract({ address: token.contract, abi: erc20Abi, functionName: 'balanceOf', args: [owner] }),
      )
      held.push({ asset: token.asset, decimals: token.decimals, baseUnits, token: token.contract })
    }
    return held
  }

  return {
    chain,
    family: 'evm',
    confirmations: settings.confirmations,
    rpc,
    nativeAsset,
    tokens,
    check,
    head,
    balances,
    transfers: (query) => readTransfers(rpc, { ...query, tokens: tokens.map((t) => t.contract) }),
  }
}

/**
 * An RPC URL as errors and logs may show it: scheme, host and port. Providers put API keys in the
 * path or the user part (https://eth.example/v3/<key>), which must not reach a log line.
 */
export function rpcOrigin(rpcUrl: string): string {
  try {
    return new URL(rpcUrl).origin
  } catch {
    return '(unparsable URL)'
  }
}

/** viem's messages run over many lines (request body, docs link, version); the first says what happened. */
function shortReason(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string }
  return (e.shortMessage ?? e.message ?? String(error)).split('\n')[0]!.slice(0, 200)
}
