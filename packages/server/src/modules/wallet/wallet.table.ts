/** The operator's phrase when `sx wallet init` made it: one row, id 'operator', sealed with the master key. */
export interface WalletTable {
  id: string
  /** secret-box `v1.…`: never the phrase in clear. */
  sealed_phrase: string
  created_at: number
}

/** The next deposit index per chain family ('evm'): only ever incremented, so an index is used once. */
export interface WalletCountersTable {
  family: string
  next_index: number
}

/** Every deposit address handed out, by family and index (the phrase re-derives each of them). */
export interface WalletAddressesTable {
  family: string
  address_index: number
  address: string
  created_at: number
}
