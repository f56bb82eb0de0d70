// Loud chain settings (issue 13): a node of another network, a token whose decimals() differ, a
// token address with no contract, an RPC that does not answer or never answers: the start fails with
// one line naming the setting to fix, before anything listens. The check itself runs against a real
// local EVM node (in process, for every wording), and `sx serve` / `sx worker` are run for the
// operator's view (one line, exit code, nothing listening). No database is opened before the check,
// so these cases are the same on both dialects; the start that passes is in wallet.test.ts per dialect.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { before, describe, it } from 'node:test'
import type { Address } from 'viem'
import { loadConfig } from '../src/config.ts'
import { ChainConfigError, connectChains } from '../src/modules/chains/index.ts'
import { exitWithin, runSx } from './processes.ts'
import { localChain, type LocalChain } from './chain/local-chain.ts'
import { startFaultyRpc } from './chain/faulty-rpc.ts'

let chain: LocalChain
let usdt6: Address
let usdc6: Address
let usdt18: Address
before(async () => {
  chain = await localChain()
  usdt6 = await chain.deployToken('USDT', 6)
  usdc6 = await chain.deployToken('USDC', 6)
  usdt18 = await chain.deployToken('USDT', 18)
})

/** A local "ethereum" whose settings are right unless `overrides` say otherwise. */
const ethereum = (overrides: Record<string, string> = {}) => ({
  SX_RPC_ETHEREUM: chain.url,
  SX_CHAIN_ID_ETHEREUM: '31337',
  SX_TOKEN_ETHEREUM_USDT: usdt6,
  SX_TOKEN_ETHEREUM_USDC: usdc6,
  ...overrides,
})

/** The start check's one line, or null when it passes. */
async function checkLine(env: Record<string, string>, timeoutMs = 5_000): Promise<ChainConfigError | null> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env })
  try {
    await connectChains(config.live, {
      startupRetry: { attempts: 2, backoffMs: 10, maxBackoffMs: 10, timeoutMs },
    })
    return null
  } catch (error) {
    assert.ok(error instanceof ChainConfigError, String(error))
    assert.equal(error.message.split('\n').length, 1)
    return error
  }
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('chain settings checked at start', () => {
  it('passes with the right chain id and tokens, and reports what it found', async () => {
    assert.equal(await checkLine(ethereum()), null)
    const config = loadConfig({ LOG_LEVEL: 'silent', ...ethereum() })
    const { status, evm } = await connectChains(config.live)
    assert.deepEqual(
      status.map((s) => [s.chain, s.chainId]),
      [['ethereum', 31337]],
    )
    assert.equal(status[0]!.head, await chain.pub.getBlockNumber())
    assert.deepEqual(
      evm[0]!.tokens.map((t) => [t.asset, t.contract, t.decimals]),
      [
        ['USDT', usdt6, 6],
        ['USDC', usdc6, 6],
      ],
    )
  })

  it('names SX_CHAIN_ID_<CHAIN> when the node is another network (the mainnet default against a local node)', async () => {
    const { SX_CHAIN_ID_ETHEREUM: _, ...withoutId } = ethereum()
    const error = await checkLine(withoutId)
    assert.equal(error?.setting, 'SX_CHAIN_ID_ETHEREUM')
    assert.match(
      error!.message,
      /^SX_CHAIN_ID_ETHEREUM is 1 but the node at SX_RPC_ETHEREUM \(http:\/\/127\.0\.0\.1:\d+\) reports chain id 31337; /,
    )
  })

  it('names SX_TOKEN_<CHAIN>_<ASSET> when decimals() differ, either way, or no contract is there', async () => {
    const wrong18 = await checkLine(ethereum({ SX_TOKEN_ETHEREUM_USDT: usdt18 }))
    assert.equal(wrong18?.setting, 'SX_TOKEN_ETHEREUM_USDT')
    assert.equal(
      wrong18!.message,
      `SX_TOKEN_ETHEREUM_USDT: the contract at ${usdt18} on ethereum (chain id 31337) reports 18 decimals, but USDT on ethereum has 6`,
    )
    // bsc's Binance-peg stablecoins have 18: a 6-decimal contract there is the same mistake reversed.
    const wrong6 = await checkLine({
      SX_RPC_BSC: chain.url,
      SX_CHAIN_ID_BSC: '31337',
      SX_TOKEN_BSC_USDT: usdt18,
      SX_TOKEN_BSC_USDC: usdc6,
    })
    assert.equal(
      wrong6?.message,
      `SX_TOKEN_BSC_USDC: the contract at ${usdc6} on bsc (chain id 31337) reports 6 decimals, but USDC on bsc has 18`,
    )
    // Left at its default, USDC's mainnet contract is not on a local node.
    const { SX_TOKEN_ETHEREUM_USDC: _, ...defaultUsdc } = ethereum()
    const missing = await checkLine(defaultUsdc)
    assert.equal(
      missing?.message,
      'SX_TOKEN_ETHEREUM_USDC: there is no contract at 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48 on ethereum (chain id 31337)',
    )
  })

  it('names SX_RPC_<CHAIN> when the node does not answer, or never answers, without its path or credentials', async () => {
    const port = await closedPort()
    const refused = await checkLine(ethereum({ SX_RPC_ETHEREUM: `http://user:pw@127.0.0.1:${port}/v3/KEY123` }))
    assert.equal(refused?.setting, 'SX_RPC_ETHEREUM')
    assert.ok(refused?.unreachable)
    assert.match(
      refused!.message,
      new RegExp(
        `^SX_RPC_ETHEREUM: the node at http://127\\.0\\.0\\.1:${port} cannot be used \\(eth_chainId: no answer \\(ECONNREFUSED\\) after 2 tries\\); set it to a reachable ethereum JSON-RPC URL$`,
      ),
    )
    const proxy = await startFaultyRpc(chain.url)
    try {
      proxy.fault = () => 'hang'
      const hung = await checkLine(ethereum({ SX_RPC_ETHEREUM: proxy.url }), 200)
      assert.match(
        hung!.message,
        /^SX_RPC_ETHEREUM: the node at http:\/\/127\.0\.0\.1:\d+ cannot be used \(eth_chainId: timed out after 2 tries\)/,
      )
      assert.equal(proxy.count('eth_chainId'), 2)
      proxy.fault = () => 'rate-limit'
      const limited = await checkLine(ethereum({ SX_RPC_ETHEREUM: proxy.url }))
      assert.match(limited!.message, /\(eth_chainId: rate limited after 2 tries\)/)
    } finally {
      await proxy.close()
    }
  })

  it('sx serve and sx worker refuse to start with one line and nothing listening', async () => {
    const env = { DATABASE_URL: 'sqlite::memory:', PORT: '0', SX_DEMO_SEED: 'false' }
    const { SX_CHAIN_ID_ETHEREUM: _, ...withoutId } = ethereum()
    const cases = [
      {
        args: ['serve'],
        env: withoutId,
        code: 2,
        line: /^sx: SX_CHAIN_ID_ETHEREUM is 1 but the node at SX_RPC_ETHEREUM /,
      },
      {
        args: ['worker'],
        env: ethereum({ SX_TOKEN_ETHEREUM_USDT: usdt18 }),
        code: 2,
        line: /^sx: SX_TOKEN_ETHEREUM_USDT: the contract at 0x[0-9a-fA-F]{40} on ethereum \(chain id 31337\) reports 18 decimals, but USDT on ethereum has 6$/,
      },
      {
        args: ['serve'],
        env: ethereum({ SX_RPC_ETHEREUM: `http://127.0.0.1:${await closedPort()}` }),
        code: 1,
        line: /^sx: SX_RPC_ETHEREUM: the node at http:\/\/127\.0\.0\.1:\d+ cannot be used \(eth_chainId: no answer \(ECONNREFUSED\) after 3 tries\)/,
      },
    ]
    for (const c of cases) {
      const run = runSx(c.args, { ...env, ...c.env })
      assert.equal(await exitWithin(run, 60_000), c.code, JSON.stringify(run.output()))
      const { stdout, stderr } = run.output()
      assert.equal(stdout, '', `sx ${c.args[0]} prints nothing else`)
      const lines = stderr.trim().split('\n')
      assert.equal(lines.length, 1, stderr)
      assert.match(lines[0]!, c.line)
    }
  })

  it('rejects malformed settings with the rest of the configuration, never echoing the phrase', () => {
    assert.throws(
      () =>
        loadConfig({
          SX_RPC_POLYGON: 'ws://node',
          SX_CHAIN_ID_POLYGON: '0x89',
          SX_CONFIRMATIONS_POLYGON: '0',
          SX_TOKEN_POLYGON_USDT: '0x123',
          SX_WALLET_MNEMONIC: 'zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra zebra',
        }),
      (error: Error) => {
        assert.deepEqual((error as Error & { problems: string[] }).problems, [
          'SX_WALLET_MNEMONIC is not a valid BIP-39 phrase (a word outside the English list, or a wrong checksum)',
          'SX_RPC_POLYGON must be an http:// or https:// JSON-RPC URL',
          'SX_TOKEN_POLYGON_USDT must be a contract address, 0x and 40 hex digits (got "0x123")',
          'SX_CHAIN_ID_POLYGON must be an integer between 1 and 9007199254740991 (got "0x89")',
          'SX_CONFIRMATIONS_POLYGON must be an integer between 1 and 10000 (got "0")',
        ])
        return true
      },
    )
    assert.throws(
      () => loadConfig({ SX_WALLET_MNEMONIC: 'secret words only eleven of them here to be counted not' }),
      (error: Error) => !error.message.includes('secret') && /got 11 words/.test(error.message),
    )
    const defaults = loadConfig({ SX_RPC_BSC: 'https://bsc.example/key', SX_RPC_BASE: 'https://base.example' }).live
    assert.deepEqual(
      defaults.evm.map((c) => [c.chain, c.chainId, c.confirmations, c.tokens.map((t) => t.asset).join('+')]),
      [
        ['base', 8453, 12, 'USDC'],
        ['bsc', 56, 15, 'USDT+USDC'],
      ],
    )
  })
})
