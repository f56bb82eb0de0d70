// Chains: one adapter per chain family behind the ChainAdapter port (EVM now), their RPC clients and
// the start check that names the setting to fix.
export {
  ChainConfigError,
  type Balance,
  type ChainAdapter,
  type ChainFamily,
  type ChainStatus,
} from './chain-adapter.ts'
export { createEvmAdapter, rpcOrigin, type EvmAdapter, type EvmAdapterOptions, type EvmToken } from './evm-adapter.ts'
export { connectChains, type ConnectedChains } from './connect.ts'
export { createChainHealth, type ChainHealth, type ChainProblem } from './health.ts'
export { readTransfers, TRANSFER_EVENT, type TokenTransfer, type TransferQuery } from './logs.ts'
export {
  createEvmRpc,
  RpcUnavailableError,
  STARTUP_RETRY,
  STEADY_RETRY,
  type EvmRpc,
  type RetryPolicy,
  type Sleep,
} from './rpc.ts'
