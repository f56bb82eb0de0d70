// The operator's wallet: the phrase comes from SX_WALLET_MNEMONIC or from `sx wallet init` (created
// here, shown once, stored sealed with the master key). Keys are derived in memory when asked for and
// never logged, stored in clear or returned by a route: the Wallet object holds them in closures and
// prints as "[wallet]" if anything tries to log or serialise it.
import { inspect } from 'node:util'
import type { LiveConfig } from '../../config-live.ts'
import type { Db, DbOrTrx } from '../../db/database.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { newPhrase, openKeyRing, type WalletFamily } from './hd.ts'
import {
  countIssued,
  findSealedPhrase,
  insertAddress,
  insertSealedPhrase,
  listAddresses,
  takeIndex,
} from './wallet.repository.ts'
import type { PrivateKeyAccount } from 'viem/accounts'

/** A wallet problem the operator fixes (no phrase, two different phrases, a second init): one line. */
export class WalletError extends Error {}

export type WalletSource = 'SX_WALLET_MNEMONIC' | 'sx wallet init'

export type Wallet = Readonly<{
  source: WalletSource
  /** Address `index` of a family; index 0 is the treasury. */
  address(family: WalletFamily, index: number): string
  treasuryAddress(family: WalletFamily): string
  /** The signer of an EVM address (sweeps from deposit `index`, payouts from the treasury, 0). */
  evmAccount(index: number): PrivateKeyAccount
}>

type Deps = { db: Db; secretBox: SecretBox; live: LiveConfig }

export const NO_WALLET =
  'no wallet: set SX_WALLET_MNEMONIC to your BIP-39 phrase, or run `sx wallet init` to create one (it is printed once)'

/**
 * Creates the phrase, stores it sealed and returns it: the only time it is ever shown. Refused when
 * SX_WALLET_MNEMONIC is set (that phrase is the wallet) or a phrase is stored already (a second one
 * would orphan every address the first handed out).
 */
export async function initWallet(deps: Deps, now: number): Promise<{ phrase: string; wallet: Wallet }> {
  if (deps.live.walletMnemonic !== null)
    throw new WalletError(
      'SX_WALLET_MNEMONIC is set, so that phrase is the wallet; unset it to create one with sx wallet init',
    )
  const phrase = newPhrase()
  try {
    await insertSealedPhrase(deps.db, deps.secretBox.seal(phrase), now)
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    throw new WalletError(
      'a wallet phrase is stored already (it was printed once, by the sx wallet init that created it); a second one would orphan its addresses',
    )
  }
  return { phrase, wallet: walletFrom(phrase, 'sx wallet init') }
}

/** The configured wallet, or null when there is none (live chains are then not offered). */
export async function findWallet(deps: Deps): Promise<Wallet | null> {
  const stored = await findSealedPhrase(deps.db)
  const storedPhrase = stored ? deps.secretBox.open(stored.sealed) : null
  const configured = deps.live.walletMnemonic
  if (configured !== null && storedPhrase !== null && configured !== storedPhrase)
    throw new WalletError(
      'SX_WALLET_MNEMONIC differs from the phrase sx wallet init stored; addresses from both would be in use, so unset SX_WALLET_MNEMONIC or set it to the stored phrase',
    )
  if (configured !== null) return walletFrom(configured, 'SX_WALLET_MNEMONIC')
  return storedPhrase === null ? null : walletFrom(storedPhrase, 'sx wallet init')
}

/** findWallet, failing with the one line that says how to get a wallet. */
export async function getWallet(deps: Deps): Promise<Wallet> {
  const wallet = await findWallet(deps)
  if (!wallet) throw new WalletError(NO_WALLET)
  return wallet
}

/**
 * A new deposit address of `family`, never handed out before: the counter only goes up once committed.
 * Inside `db`'s transaction when it is one (a rollback takes the index back, but then nothing outside
 * the transaction ever saw the address), else in its own.
 */
export async function allocateDepositAddress(
  db: DbOrTrx,
  wallet: Wallet,
  family: WalletFamily,
  now: number,
): Promise<{ index: number; address: string }> {
  const take = async (trx: DbOrTrx) => {
    const index = await takeIndex(trx, family)
    const address = wallet.address(family, index)
    await insertAddress(trx, { family, index, address, now })
    return { index, address }
  }
  return db.isTransaction ? take(db) : (db as Db).transaction().execute(take)
}

/** The deposit addresses of `family` handed out so far (what the treasury sweeps and `sx doctor` counts). */
export function depositAddresses(db: DbOrTrx, family: WalletFamily): Promise<{ index: number; address: string }[]> {
  return listAddresses(db, family)
}

/** Deposit addresses handed out so far, per family. */
export function issuedAddresses(db: DbOrTrx): Promise<Record<string, number>> {
  return countIssued(db)
}

function walletFrom(phrase: string, source: WalletSource): Wallet {
  const keys = openKeyRing(phrase)
  // Addresses only (public), remembered: deriving one costs a key derivation and an EC multiplication.
  const addresses = new Map<string, string>()
  const address = (family: WalletFamily, index: number) => {
    const key = `${family}/${index}`
    let known = addresses.get(key)
    if (known === undefined) addresses.set(key, (known = keys.evmAccount(index).address))
    return known
  }
  const wallet = {
    source,
    address,
    treasuryAddress: (family: WalletFamily) => address(family, 0),
    evmAccount: (index: number) => keys.evmAccount(index),
    // Whatever logs or serialises the wallet gets a placeholder, not its closures' contents.
    toJSON: () => '[wallet]',
    [inspect.custom]: () => '[wallet]',
  }
  return Object.freeze(wallet)
}
