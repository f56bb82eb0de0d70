// The EVM sender of one chain: every transaction sx signs (payouts and refunds from the treasury,
// sweeps from deposit addresses, gas top-ups) goes through here, in this order, so money is never
// sent twice (research/crypto.md §6.2):
//   1. the funds are checked (the token and the gas): a shortfall is a clear reason, nothing signed;
//   2. the nonce is taken and the signed bytes recorded (`signed`) in ONE commit, before the node
//      hears of them; a transfer has one nonce and one set of bytes, ever (one row per reference);
//   3. the bytes are broadcast (`broadcast`); a crash before that, or a node that dropped them,
//      sends the SAME bytes again, never a new nonce; bytes still unmined SX_FEE_BUMP_AFTER_SECONDS
//      after signing are replaced by the same transaction at the SAME nonce with fees raised by at
//      least 1/8 (EIP-1559 replacement), recorded like the first before the node hears of them;
//      only one transaction per nonce can be mined, so whichever attempt is mined is the transfer;
//   4. the receipt decides: a revert is `failed`, success is `confirmed` once the chain's
//      SX_CONFIRMATIONS_<CHAIN> blocks are on it; a nonce that another transaction took is `failed`
//      (these bytes can never be mined).
import {
  encodeFunctionData,
  erc20Abi,
  getAddress,
  keccak256,
  parseTransaction,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../platform/clock.ts'
import { newId } from '../../platform/ids.ts'
import type { EvmAdapter } from '../chains/index.ts'
import { formatUnits, type ProviderResult } from '../payments/index.ts'
import type { Wallet } from '../wallet/index.ts'
import type { ChainTransactionRow } from './treasury.table.ts'
import * as repo from './transactions.repository.ts'

/** Gas limits sx signs with: a plain coin transfer, and an ERC-20 `transfer` (USDT/USDC use ~35–65k). */
export const NATIVE_GAS = 21_000n
export const TOKEN_GAS = 100_000n

export type Purpose = 'payout' | 'refund' | 'sweep' | 'gas'

export type TransferOrder = Readonly<{
  reference: string
  purpose: Purpose
  /** The wallet index that signs: 0 is the treasury. */
  fromIndex: number
  to: string
  asset: string
  amount: bigint
}>

export type Fees = Readonly<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }>

export type EvmSender = Readonly<{
  adapter: EvmAdapter
  /** The current fee caps: twice the base fee plus the tip, so a rising base fee does not strand the bytes. */
  fees(): Promise<Fees>
  /** Records and broadcasts the transfer (or answers the one already recorded for its reference). */
  submit(order: TransferOrder): Promise<ProviderResult<ChainTransactionRow>>
  /** Moves a recorded transaction one step on (broadcast, rebroadcast, confirm or fail) and answers it. */
  follow(row: ChainTransactionRow): Promise<ChainTransactionRow>
}>

export type SenderDeps = Readonly<{
  db: Db
  clock: Clock
  wallet: Wallet
  adapter: EvmAdapter
  /** A pause between recording the signed bytes and broadcasting them (crash tests aim at it). */
  broadcastDelayMs: number
  /** How long broadcast bytes may stay unmined before they are replaced at a higher fee. */
  feeBumpAfterMs: number
}>

export function createEvmSender(deps: SenderDeps): EvmSender {
  const { db, clock, wallet, adapter } = deps
  const { rpc, chain } = adapter
  let chainId: number | null = null

  async function fees(): Promise<Fees> {
    const block = await rpc.call('eth_getBlockByNumber', (client) => client.getBlock({ blockTag: 'latest' }))
    const tip = await rpc
      .call('eth_maxPriorityFeePerGas', (client) => client.estimateMaxPriorityFeePerGas())
      .catch(() => 1_000_000_000n)
    const base = block.baseFeePerGas ?? (await rpc.call('eth_gasPrice', (client) => client.getGasPrice()))
    return { maxFeePerGas: base * 2n + tip, maxPriorityFeePerGas: tip }
  }

  /** What the transaction calls: a token's `transfer`, or a plain coin transfer. Null: not an asset of this chain. */
  function call(order: TransferOrder): { to: Address; value: bigint; data?: Hex; gas: bigint } | null {
    const to = getAddress(order.to)
    if (order.asset === adapter.nativeAsset) return { to, value: order.amount, gas: NATIVE_GAS }
    const token = adapter.tokens.find((t) => t.asset === order.asset)
    if (!token) return null
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, order.amount] })
    return { to: token.contract, value: 0n, data, gas: TOKEN_GAS }
  }

  /** Why the address cannot pay for this transfer now, or null when it can (tokens and gas, at the pending state). */
  async function shortfall(order: TransferOrder, from: Address, gasCost: bigint): Promise<string | null> {
    const who = order.fromIndex === 0 ? `the treasury ${from}` : `deposit address ${from}`
    const queued = (await repo.openTransactions(db, chain)).filter(
      (row) => row.status === 'signed' && row.from_address === from,
    )
    const queuedOf = (asset: string) =>
      queued.filter((row) => row.asset === asset).reduce((sum, row) => sum + BigInt(row.amount), 0n)
    const held = await adapter.balances(from)
    const native = held[0]!
    const nativeNeeded =
      gasCost + (order.asset === adapter.nativeAsset ? order.amount : 0n) + queuedOf(adapter.nativeAsset)
    if (order.asset !== adapter.nativeAsset) {
      const token = held.find((b) => b.asset === order.asset)!
      const needed = order.amount + queuedOf(order.asset)
      if (token.baseUnits < needed)
        return `${who} on ${chain} holds ${formatUnits(token.baseUnits, token.decimals)} ${order.asset}, but this ${order.purpose} needs ${formatUnits(needed, token.decimals)}`
    }
    if (native.baseUnits < nativeNeeded)
      return `${who} on ${chain} holds ${formatUnits(native.baseUnits, 18)} ${adapter.nativeAsset}, but this ${order.purpose} needs ${formatUnits(nativeNeeded, 18)} ${adapter.nativeAsset} (gas included)`
    return null
  }

  async function submit(order: TransferOrder): Promise<ProviderResult<ChainTransactionRow>> {
    const known = await repo.findByReference(db, order.reference)
    if (known) return { ok: true, value: await follow(known) }
    const tx = call(order)
    if (!tx) return { ok: false, retryable: false, reason: `${order.asset} is not an asset sx sends on ${chain}` }
    const account = wallet.evmAccount(order.fromIndex)
    const fee = await fees()
    const lacking = await shortfall(order, account.address, tx.gas * fee.maxFeePerGas)
    if (lacking) return { ok: false, retryable: false, reason: lacking }
    chainId ??= await rpc.call('eth_chainId', (client) => client.getChainId())
    const onChain = await rpc.call('eth_getTransactionCount', (client) =>
      client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
    )
    const now = clock.now()
    const row = await db.transaction().execute(async (trx) => {
      const nonce = await repo.takeNonce(trx, chain, account.address, onChain)
      const raw = await account.signTransaction({ type: 'eip1559', chainId: chainId!, nonce, ...tx, ...fee })
      const row: ChainTransactionRow = {
        id: newId('chainTransaction'),
        reference: order.reference,
        purpose: order.purpose,
        chain,
        from_index: order.fromIndex,
        from_address: account.address,
        to_address: getAddress(order.to),
        asset: order.asset,
        amount: order.amount.toString(),
        nonce,
        raw_tx: raw,
        tx_hash: keccak256(raw),
        status: 'signed',
        failure_reason: null,
        block_number: null,
        broadcasts: 0,
        signed_at: now,
        replaced: '[]',
        created_at: now,
        updated_at: now,
      }
      await repo.insertTransaction(trx, row)
      return row
    })
    if (deps.broadcastDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, deps.broadcastDelayMs))
    return { ok: true, value: await follow(row) }
  }

  /** Hands the recorded bytes to the node. An error is only an error if the node then does not know the transaction. */
  async function broadcast(row: ChainTransactionRow): Promise<void> {
    await repo.countBroadcast(db, row.id, clock.now())
    try {
      await rpc.call('eth_sendRawTransaction', (client) =>
        client.sendRawTransaction({ serializedTransaction: row.raw_tx as Hex }),
      )
    } catch (error) {
      // "already known", "nonce too low" (it was mined), or a node that reports a mined revert as an
      // error (hardhat): all fine if the node has the transaction; the receipt says the rest.
      if (!(await knownTransaction(row))) throw error
    }
    await repo.transition(db, row.id, ['signed'], { status: 'broadcast', updated_at: clock.now() })
  }

  async function knownTransaction(row: ChainTransactionRow): Promise<boolean> {
    const found = await rpc
      .call('eth_getTransactionByHash', (client) => client.getTransaction({ hash: row.tx_hash as Hex }))
      .catch(() => null)
    return found !== null
  }

  /** The receipt of whichever attempt (the current bytes, or one they replaced) was mined, if any. */
  async function minedAttempt(row: ChainTransactionRow): Promise<TransactionReceipt | null> {
    for (const hash of [row.tx_hash, ...(JSON.parse(row.replaced) as string[])]) {
      const receipt = await rpc
        .call('eth_getTransactionReceipt', (client) => client.getTransactionReceipt({ hash: hash as Hex }))
        .catch((error: unknown) => {
          if ((error as { name?: string }).name === 'TransactionReceiptNotFoundError') return null
          throw error
        })
      if (receipt) return receipt
    }
    return null
  }

  /**
   * Signs the same transaction (nonce, recipient, amount, gas) at fees raised by at least 1/8, or to
   * today's caps when higher, and records it in place of the current bytes before broadcasting it.
   * The conditional update lets one worker replace a given attempt, once.
   */
  async function replace(row: ChainTransactionRow): Promise<void> {
    const { r: _r, s: _s, v: _v, yParity: _y, ...unsigned } = parseTransaction(row.raw_tx as Hex)
    if (unsigned.type !== 'eip1559') throw new Error(`${row.tx_hash} is not an EIP-1559 transaction`)
    const today = await fees()
    const bump = (fee: bigint, floor: bigint) => max(fee + (fee + 7n) / 8n, floor)
    const raw = await wallet.evmAccount(Number(row.from_index)).signTransaction({
      ...unsigned,
      maxFeePerGas: bump(unsigned.maxFeePerGas!, today.maxFeePerGas),
      maxPriorityFeePerGas: bump(unsigned.maxPriorityFeePerGas!, today.maxPriorityFeePerGas),
    })
    const now = clock.now()
    const next = {
      raw_tx: raw,
      tx_hash: keccak256(raw),
      replaced: JSON.stringify([...(JSON.parse(row.replaced) as string[]), row.tx_hash]),
      signed_at: now,
      status: 'signed',
      updated_at: now,
    }
    if (await repo.replaceAttempt(db, row.id, row.tx_hash, next)) await broadcast({ ...row, ...next })
  }

  async function follow(row: ChainTransactionRow): Promise<ChainTransactionRow> {
    if (row.status === 'confirmed' || row.status === 'failed') return row
    // A replacement the node refuses because an earlier attempt was mined meanwhile ("nonce too
    // low") is settled by that attempt's receipt below, so its refusal is not the last word.
    if (row.status === 'signed')
      await broadcast(row).catch((error: unknown) => {
        if (row.replaced === '[]') throw error
      })
    let receipt = await minedAttempt(row)
    const now = clock.now()
    if (!receipt && !(await knownTransaction(row))) {
      const mined = await rpc.call('eth_getTransactionCount', (client) =>
        client.getTransactionCount({ address: row.from_address as Address, blockTag: 'latest' }),
      )
      // Asked again: an attempt mined between the receipt check and the count is not "another".
      if (mined > Number(row.nonce) && !(receipt = await minedAttempt(row))) {
        await repo.transition(db, row.id, OPEN, {
          status: 'failed',
          failure_reason: `nonce ${row.nonce} of ${row.from_address} on ${chain} was used by another transaction; ${row.tx_hash} can never be mined`,
          updated_at: now,
        })
        return (await repo.findByReference(db, row.reference))!
      }
    }
    if (receipt) {
      // The mined attempt is the transfer's transaction (raw_tx stays the last bytes signed).
      const mined = { tx_hash: receipt.transactionHash, block_number: Number(receipt.blockNumber), updated_at: now }
      if (receipt.status === 'reverted')
        await repo.transition(db, row.id, OPEN, {
          ...mined,
          status: 'failed',
          failure_reason: `the transaction ${receipt.transactionHash} reverted on ${chain} in block ${mined.block_number}`,
        })
      else if ((await adapter.head()) - receipt.blockNumber + 1n >= BigInt(adapter.confirmations))
        await repo.transition(db, row.id, OPEN, { ...mined, status: 'confirmed' })
      else await repo.transition(db, row.id, OPEN, mined)
    } else if (now - Number(row.signed_at ?? row.created_at) >= deps.feeBumpAfterMs) await replace(row)
    // Dropped (evicted, or a node that lost its pool): the same bytes again, never a new nonce.
    else if (!(await knownTransaction(row))) await broadcast({ ...row, status: 'signed' })
    return (await repo.findByReference(db, row.reference))!
  }

  return { adapter, fees, submit, follow }
}

const max = (a: bigint, b: bigint) => (a > b ? a : b)
/** Still `signed` with a receipt: replacement bytes the node refused after an earlier attempt was mined. */
const OPEN = ['signed', 'broadcast']
