// Shared steps of the treasury tests: a local node with two 6-decimal stablecoins standing in for
// ethereum's USDT and USDC, the settings that point sx at it, a funded treasury, and a live balance.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { createWalletClient, defineChain, getAddress, http, parseEther, type Address } from 'viem'
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from 'viem/accounts'
import type { TestEnv } from './harness.ts'
import { client } from './harness.ts'
import { localChain, LOCAL_CHAIN_ID, TOKEN_ABI, type LocalChain } from './chain/local-chain.ts'
import { MONEY_ENV } from './money-helpers.ts'
import { newProduct, order } from './orders-helpers.ts'
import { paySandboxInvoice } from '../src/modules/orders/index.ts'

export type Rig = { chain: LocalChain; usdt: Address; usdc: Address }

let rig: Promise<Rig> | null = null

/** The node of this test file with its two tokens, deployed once. */
export function treasuryRig(): Promise<Rig> {
  rig ??= (async () => {
    const chain = await localChain()
    return { chain, usdt: await chain.deployToken('USDT', 6), usdc: await chain.deployToken('USDC', 6) }
  })()
  return rig
}

/** A wallet of its own per environment (both dialects share the file's node) and sx's settings for the node. */
export function chainEnv(r: Rig, extra: Record<string, string> = {}) {
  const phrase = generateMnemonic(wordlist, 128)
  const settings = {
    ...MONEY_ENV,
    SX_RPC_ETHEREUM: r.chain.url,
    SX_CHAIN_ID_ETHEREUM: String(LOCAL_CHAIN_ID),
    SX_CONFIRMATIONS_ETHEREUM: '2',
    SX_TOKEN_ETHEREUM_USDT: r.usdt,
    SX_TOKEN_ETHEREUM_USDC: r.usdc,
    SX_WALLET_MNEMONIC: phrase,
    ...extra,
  }
  return { settings, treasury: mnemonicToAccount(phrase, { addressIndex: 0 }).address }
}

/** A fresh address nobody holds anything at. */
export const freshAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address

/** Sends `usdt` whole USDT and `eth` ETH from hardhat's funded account to `to`. */
export async function fund(r: Rig, to: Address, amounts: { usdt?: bigint; eth?: string }) {
  if (amounts.usdt) await r.chain.transferToken(r.usdt, to, amounts.usdt * 1_000_000n)
  if (amounts.eth) await r.chain.sendNative(to, parseEther(amounts.eth))
}

/** Makes every transfer of USDT to `who` revert (TestToken's setBlocked): a payout that fails on chain. */
export async function setBlocked(r: Rig, who: Address, blocked: boolean) {
  const chain = defineChain({
    id: LOCAL_CHAIN_ID,
    name: 'local',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [r.chain.url] } },
  })
  const wallet = createWalletClient({ account: r.chain.funded(0), chain, transport: http(r.chain.url) })
  const hash = await wallet.writeContract({
    address: r.usdt,
    abi: TOKEN_ABI,
    functionName: 'setBlocked',
    args: [getAddress(who), blocked],
  })
  await r.chain.pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })
}

/** A live order of `priceCents` USD on ethereum USDT, paid (through the live test double) so the shop has a live balance. */
export async function paidLiveOrder(env: TestEnv, liveKey: string, priceCents: number) {
  const live = client(env.app, liveKey)
  const product = await newProduct(live, { price_cents: priceCents, currency: 'USD' }, [`KEY-${Math.random()}`])
  const o = await order(live, [{ product_id: product, qty: 1 }], { chain: 'ethereum', asset: 'USDT' })
  await env.services.db.transaction().execute((trx) => paySandboxInvoice(env.services, trx, o.id, { amount: null }))
  return { live, order: o }
}

/** A loopback stand-in for RATES_URL: ETH per unit of the asked currency; `failing` answers 500. */
export async function startRates() {
  const state = { failing: false, asked: 0, eth: '0.0004' }
  const server = createServer((req, res) => {
    state.asked++
    const currency = new URL(req.url!, 'http://x').searchParams.get('currency')
    if (state.failing) return void res.writeHead(500).end()
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ data: { currency, rates: { ETH: state.eth, USDT: '1.0' } } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/exchange-rates` }
}
