// Key derivation from the operator's phrase (BIP-39 seed, BIP-32 paths), in memory only. The paths
// are each family's standard account path, so the same phrase opens the same accounts in any common
// wallet (API.md "Live payments"): EVM m/44'/60'/0'/0/i; tron, bitcoin and solana follow.
import { HDKey } from '@scure/bip32'
import { generateMnemonic, mnemonicToSeedSync } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { bytesToHex } from 'viem'
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'

export type WalletFamily = 'evm'

/** The account-level path; address `i` is its child `i` (index 0: the treasury). */
export const ACCOUNT_PATHS: Record<WalletFamily, string> = { evm: "m/44'/60'/0'/0" }

/** 24 words (256 bits of entropy), the strongest length BIP-39 wallets accept. */
export function newPhrase(): string {
  return generateMnemonic(wordlist, 256)
}

/** Derives keys on demand from the account node; the seed itself is dropped once the node exists. */
export type KeyRing = {
  /** The EVM signer of address `index`: the private key lives in the account object's closure only. */
  evmAccount(index: number): PrivateKeyAccount
}

export function openKeyRing(phrase: string): KeyRing {
  const seed = mnemonicToSeedSync(phrase)
  const evmNode = HDKey.fromMasterSeed(seed).derive(ACCOUNT_PATHS.evm)
  seed.fill(0)
  return {
    evmAccount(index) {
      if (!Number.isSafeInteger(index) || index < 0 || index >= 2 ** 31)
        throw new RangeError(`address index must be an integer in [0, 2^31), got ${index}`)
      const child = evmNode.deriveChild(index)
      const account = privateKeyToAccount(bytesToHex(child.privateKey!))
      child.wipePrivateData()
      return account
    },
  }
}
