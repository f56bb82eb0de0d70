// The operator's wallet: phrase (SX_WALLET_MNEMONIC or `sx wallet init`, sealed at rest), HD derivation,
// deposit addresses from a persisted counter, and the treasury report `sx wallet` prints.
export {
  allocateDepositAddress,
  depositAddresses,
  findWallet,
  getWallet,
  initWallet,
  issuedAddresses,
  NO_WALLET,
  WalletError,
  type Wallet,
  type WalletSource,
} from './wallet.service.ts'
export { ACCOUNT_PATHS, type WalletFamily } from './hd.ts'
export { walletReport, walletReportLines, type WalletReport } from './report.ts'
