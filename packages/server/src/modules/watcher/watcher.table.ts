/** Per chain: the next block no scan has passed yet (re-scans start a window behind it), and the head last seen. */
export interface WatchCursorsTable {
  chain: string
  next_block: number
  head: number
  updated_at: number
}

/** A live order's deposit address on its chain (lower case), with what is due and the quote it was made at. */
export interface WatchAddressesTable {
  chain: string
  address: string
  order_id: string
  asset: string
  token: string | null
  address_index: number
  amount_due: string
  quote: string | null
  created_at: number
}

/** A transfer to a watched address, once per (chain, tx, log index); log index -1 is a native-coin payment. */
export interface ChainPaymentsTable {
  chain: string
  tx_hash: string
  log_index: number
  order_id: string
  address: string
  from_address: string
  amount: string
  block_number: number
  block_hash: string
  /** seen | counted | dropped */
  state: string
  confirmations: number
  seen_at: number
  counted_at: number | null
}
