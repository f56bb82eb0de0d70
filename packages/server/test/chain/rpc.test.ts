// The EVM RPC client against a real local node behind the fault-injecting proxy: transient failures
// (429, 5xx, JSON-RPC limits, dropped connections, hangs) are retried with backoff until the policy
// gives up; errors a retry cannot fix are not retried; eth_getLogs ranges the provider refuses are
// halved, and every Transfer is found once, two in one transaction apart by log index.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { encodeFunctionData, erc20Abi, type Address } from 'viem'
import { loadConfig } from '../../src/config.ts'
import {
  createEvmAdapter,
  createEvmRpc,
  RpcUnavailableError,
  type RetryPolicy,
} from '../../src/modules/chains/index.ts'
import { everyOther, startFaultyRpc, type FaultyRpc } from './faulty-rpc.ts'
import { localChain, type LocalChain } from './local-chain.ts'

const FAST: RetryPolicy = { attempts: 4, backoffMs: 100, maxBackoffMs: 400, timeoutMs: 300 }

describe('EVM RPC through a misbehaving provider', () => {
  let chain: LocalChain
  let proxy: FaultyRpc
  let usdt: Address
  const slept: number[] = []
  const sleep = async (ms: number) => void slept.push(ms)
  before(async () => {
    chain = await localChain()
    proxy = await startFaultyRpc(chain.url)
    usdt = await chain.deployToken('USDT', 6)
  })
  after(() => proxy.close())

  const adapter = () => {
    const config = loadConfig({
      SX_RPC_ETHEREUM: proxy.url,
      SX_CHAIN_ID_ETHEREUM: '31337',
      SX_TOKEN_ETHEREUM_USDT: usdt,
      SX_TOKEN_ETHEREUM_USDC: usdt,
    })
    return createEvmAdapter(config.live.evm[0]!, { retry: FAST, sleep })
  }

  it('answers through a provider that fails half its calls, retrying each failure once with backoff', async () => {
    const treasury = chain.funded(5).address
    await chain.transferToken(usdt, treasury, 4_200_000n)
    for (const fault of ['rate-limit', 'http-500', 'rpc-limit', 'drop', 'hang'] as const) {
      proxy.fault = everyOther(fault)
      proxy.log.length = 0
      slept.length = 0
      const evm = adapter()
      const balances = await evm.balances(treasury)
      assert.deepEqual(
        balances.map((b) => [b.asset, b.baseUnits]),
        [
          ['ETH', await chain.pub.getBalance({ address: treasury })],
          ['USDT', 4_200_000n],
          // USDC's setting points at the same test contract here: two reads of one balance.
          ['USDC', 4_200_000n],
        ],
        fault,
      )
      // Three reads, each failed once: six calls, three retries, each after the first backoff step.
      assert.equal(proxy.log.length, 6, fault)
      assert.equal(proxy.log.filter((c) => c.fault === fault).length, 3, fault)
      assert.deepEqual([evm.rpc.stats.calls, evm.rpc.stats.retries], [6, 3], fault)
      assert.deepEqual(slept, [100, 100, 100], fault)
    }
  })

  it('gives up after the policy with one line, backing off exponentially up to its cap', async () => {
    proxy.fault = () => 'http-500'
    proxy.log.length = 0
    slept.length = 0
    const evm = adapter()
    await assert.rejects(
      evm.head(),
      (error: Error) =>
        error instanceof RpcUnavailableError && error.message === 'eth_blockNumber: HTTP 500 after 4 tries',
    )
    assert.equal(proxy.count('eth_blockNumber'), 4)
    assert.deepEqual(slept, [100, 200, 400])
  })

  it('does not retry what a retry cannot fix (a transfer beyond the balance reverts)', async () => {
    proxy.fault = () => 'pass'
    proxy.log.length = 0
    const rpc = createEvmRpc(proxy.url, FAST, sleep)
    await assert.rejects(
      rpc.call('transfer', (client) =>
        client.call({
          to: usdt,
          data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [usdt, 10n ** 30n] }),
          account: chain.funded(9).address,
        }),
      ),
    )
    assert.equal(proxy.log.length, 1)
    assert.equal(rpc.stats.retries, 0)
  })

  it('reads Transfer logs in chunks, halving a range the provider refuses, each transfer once', async () => {
    const [a, b, c] = [chain.funded(6).address, chain.funded(7).address, chain.funded(8).address]
    const from = (await chain.pub.getBlockNumber()) + 1n
    await chain.transferToken(usdt, a, 1n)
    await chain.mine(5)
    const twoInOne = await chain.transferTokenMany(usdt, [
      { to: b, amount: 2n },
      { to: b, amount: 3n },
    ])
    await chain.mine(3)
    await chain.transferToken(usdt, c, 4n)
    const to = await chain.pub.getBlockNumber()
    // The "provider" refuses any eth_getLogs range wider than 3 blocks.
    proxy.log.length = 0
    proxy.fault = (call) => {
      if (call.method !== 'eth_getLogs') return 'pass'
      const [filter] = call.params as [{ fromBlock: string; toBlock: string }]
      return BigInt(filter.toBlock) - BigInt(filter.fromBlock) + 1n > 3n ? 'range-too-large' : 'pass'
    }
    const evm = adapter()
    const all = await evm.transfers({ fromBlock: from, toBlock: to, chunkBlocks: 8n })
    assert.deepEqual(
      all.map((t) => [t.to, t.value]),
      [
        [a, 1n],
        [b, 2n],
        [b, 3n],
        [c, 4n],
      ],
    )
    const [first, second] = all.filter((t) => t.txHash === twoInOne)
    assert.equal(first!.blockHash, second!.blockHash)
    assert.notEqual(first!.logIndex, second!.logIndex)
    // 8 refused, 4 refused, then 2-block chunks over the rest: the whole range, no block twice.
    const passed = proxy.log.filter((l) => l.method === 'eth_getLogs' && l.fault === 'pass')
    const covered = passed.map((l) => {
      const [f] = l.params as [{ fromBlock: string; toBlock: string }]
      return [BigInt(f.fromBlock), BigInt(f.toBlock)] as const
    })
    assert.equal(covered[0]![0], from)
    assert.equal(covered.at(-1)![1], to)
    for (const [i, [start]] of covered.entries()) if (i > 0) assert.equal(start, covered[i - 1]![1] + 1n)
    assert.deepEqual(
      proxy.log.filter((l) => l.fault === 'range-too-large').length,
      2,
      'refused twice before the chunk fits',
    )
    // Filtered by recipient: the topic filter, still one call per chunk.
    proxy.fault = () => 'pass'
    const toB = await evm.transfers({ fromBlock: from, toBlock: to, to: [b], chunkBlocks: 1000n })
    assert.deepEqual(
      toB.map((t) => t.value),
      [2n, 3n],
    )
  })
})
