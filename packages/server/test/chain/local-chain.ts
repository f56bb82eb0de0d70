// A real EVM node for the test run: hardhat 2's EDR network in this process (chain id 31337, automine),
// served as JSON-RPC over HTTP on 127.0.0.1 so that sx, in process or as an `sx` child process, talks
// to it exactly as to a real node. One node per test file (one process); the helpers move tokens,
// mine, snapshot and revert (a reorg, for the watcher's tests).
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  custom,
  defineChain,
  getAddress,
  type Abi,
  type Address,
  type Hash,
  type PublicClient,
  type TestClient,
} from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import TOKEN from './contracts/TestToken.json' with { type: 'json' }

/** The accounts hardhat funds with 10,000 ETH each (its default phrase; never a real wallet). */
export const HARDHAT_MNEMONIC = 'test test test test test test test test test test test junk'
export const LOCAL_CHAIN_ID = 31337
export const TOKEN_ABI = TOKEN.abi as Abi
const TOKEN_BYTECODE = TOKEN.bytecode as `0x${string}`

type Eip1193 = { request(args: { method: string; params?: unknown }): Promise<unknown> }

export type LocalChain = {
  /** http://127.0.0.1:<port>: what SX_RPC_<CHAIN> points at. */
  url: string
  chainId: number
  pub: PublicClient
  test: TestClient<'hardhat'>
  /** Hardhat's funded account `i` (index 0 deploys the tokens and holds their supply). */
  funded(i: number): HDAccount
  /** Deploys a TestToken whose whole supply (10^12 whole tokens) goes to funded(0). */
  deployToken(symbol: string, decimals: number): Promise<Address>
  /** Sends `amount` base units of `token` from funded(from) and waits for the receipt (automine). */
  transferToken(token: Address, to: Address, amount: bigint, from?: number): Promise<Hash>
  /** Several Transfer logs in one transaction (`transferMany`). */
  transferTokenMany(token: Address, transfers: { to: Address; amount: bigint }[], from?: number): Promise<Hash>
  sendNative(to: Address, wei: bigint, from?: number): Promise<Hash>
  tokenBalance(token: Address, owner: Address): Promise<bigint>
  mine(blocks: number): Promise<void>
  snapshot(): Promise<`0x${string}`>
  revert(id: `0x${string}`): Promise<void>
  /** JSON-RPC calls the HTTP server answered, by method (what sx asked of the node). */
  calls: Map<string, number>
}

let started: Promise<LocalChain> | null = null

/** The node of this test file, started on first use and closed when the file's tests end. */
export function localChain(): Promise<LocalChain> {
  started ??= startLocalChain()
  return started
}

async function startLocalChain(): Promise<LocalChain> {
  process.env.HARDHAT_CONFIG ??= new URL('./hardhat.config.cjs', import.meta.url).pathname
  process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT = 'true'
  const hre = createRequire(import.meta.url)('hardhat') as { network: { provider: Eip1193 } }
  const provider = hre.network.provider
  const calls = new Map<string, number>()

  const server = createServer(async (req, res) => {
    let payload: unknown
    try {
      payload = JSON.parse(await readBody(req))
    } catch {
      res.writeHead(400).end()
      return
    }
    const answer = Array.isArray(payload) ? await Promise.all(payload.map(forward)) : await forward(payload)
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
  })
  const forward = async (call: unknown) => {
    const { id, method, params } = call as { id: unknown; method: string; params?: unknown }
    calls.set(method, (calls.get(method) ?? 0) + 1)
    try {
      return { jsonrpc: '2.0', id, result: await provider.request({ method, params }) }
    } catch (error) {
      const { code, message, data } = error as { code?: number; message: string; data?: unknown }
      return { jsonrpc: '2.0', id, error: { code: code ?? -32603, message, data } }
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  // Unref'd, not closed in an `after`: a hook of the first test that asked would close it for the rest
  // of the file. The process ends with the file's tests; its connections are loopback keep-alives.
  server.unref()
  server.on('connection', (socket) => socket.unref())
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const chain = defineChain({
    id: LOCAL_CHAIN_ID,
    name: 'local',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  })
  const transport = custom(provider)
  // cacheTime 0: viem otherwise answers getBlockNumber from a cache and a test sees a stale head.
  const pub = createPublicClient({ chain, transport, pollingInterval: 20, cacheTime: 0 }) as PublicClient
  const test = createTestClient({ chain, transport, mode: 'hardhat' })
  const funded = (i: number) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: i })
  const wallet = (i: number) => createWalletClient({ chain, transport, account: funded(i) })
  const mined = async (hash: Hash) => {
    const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })
    if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`)
    return hash
  }

  return {
    url,
    chainId: LOCAL_CHAIN_ID,
    pub,
    test,
    funded,
    calls,
    async deployToken(symbol, decimals) {
      const hash = await wallet(0).deployContract({
        abi: TOKEN_ABI,
        bytecode: TOKEN_BYTECODE,
        args: [`Test ${symbol}`, symbol, decimals, 10n ** 12n * 10n ** BigInt(decimals)],
      })
      const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })
      if (!receipt.contractAddress) throw new Error(`deploying ${symbol} made no contract`)
      return getAddress(receipt.contractAddress)
    },
    transferToken: async (token, to, amount, from = 0) =>
      mined(
        await wallet(from).writeContract({
          address: token,
          abi: TOKEN_ABI,
          functionName: 'transfer',
          args: [to, amount],
        }),
      ),
    transferTokenMany: async (token, transfers, from = 0) =>
      mined(
        await wallet(from).writeContract({
          address: token,
          abi: TOKEN_ABI,
          functionName: 'transferMany',
          args: [transfers.map((t) => t.to), transfers.map((t) => t.amount)],
        }),
      ),
    sendNative: async (to, wei, from = 0) => mined(await wallet(from).sendTransaction({ to, value: wei })),
    tokenBalance: async (token, owner) =>
      (await pub.readContract({ address: token, abi: TOKEN_ABI, functionName: 'balanceOf', args: [owner] })) as bigint,
    mine: (blocks) => test.mine({ blocks }),
    snapshot: () => test.snapshot(),
    revert: (id) => test.revert({ id }),
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}
