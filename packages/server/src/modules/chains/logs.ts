// ERC-20 Transfer logs over a block range, in chunks: providers cap eth_getLogs (by blocks or by
// results), so a range is read `chunkBlocks` at a time and a chunk the provider refuses is halved
// until it passes. One eth_getLogs per chunk covers every token of the chain (an address list), and,
// without `to`, every recipient: the cost of a scan does not grow with the number of open invoices.
import { parseAbiItem, type Address, type Hash } from 'viem'
import { isRangeTooLarge, type EvmRpc } from './rpc.ts'

export const TRANSFER_EVENT = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')

/** Default blocks per eth_getLogs: within what common providers accept for filtered queries. */
export const DEFAULT_CHUNK_BLOCKS = 2_000n

export type TokenTransfer = Readonly<{
  token: Address
  from: Address
  to: Address
  value: bigint
  blockNumber: bigint
  /** Checked again before a payment counts: a reorg replaces the block under the same number. */
  blockHash: Hash
  txHash: Hash
  /** With txHash, what makes a transfer unique (two transfers in one transaction differ here). */
  logIndex: number
}>

export type TransferQuery = Readonly<{
  tokens: readonly Address[]
  fromBlock: bigint
  toBlock: bigint
  /** Only transfers to these addresses (a topic filter); omitted = all transfers of the tokens. */
  to?: readonly Address[]
  chunkBlocks?: bigint
}>

export async function readTransfers(rpc: EvmRpc, query: TransferQuery): Promise<TokenTransfer[]> {
  if (query.tokens.length === 0 || query.fromBlock > query.toBlock) return []
  let chunk = query.chunkBlocks ?? DEFAULT_CHUNK_BLOCKS
  const found: TokenTransfer[] = []
  for (let from = query.fromBlock; from <= query.toBlock;) {
    const to = min(query.toBlock, from + chunk - 1n)
    let logs
    try {
      logs = await rpc.call(`eth_getLogs ${from}..${to}`, (client) =>
        client.getLogs({
          address: [...query.tokens],
          event: TRANSFER_EVENT,
          args: query.to ? { to: [...query.to] } : undefined,
          fromBlock: from,
          toBlock: to,
          strict: true,
        }),
      )
    } catch (error) {
      if (!isRangeTooLarge(error) || chunk === 1n) throw error
      chunk = chunk / 2n
      continue
    }
    for (const log of logs) {
      // Pending logs carry no block; a removed log belongs to a block that is no longer canonical.
      if (log.blockHash === null || log.blockNumber === null || log.logIndex === null || log.removed) continue
      found.push({
        token: log.address,
        from: log.args.from,
        to: log.args.to,
        value: log.args.value,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        txHash: log.transactionHash!,
        logIndex: log.logIndex,
      })
    }
    from = to + 1n
  }
  return found
}

const min = (a: bigint, b: bigint) => (a < b ? a : b)
