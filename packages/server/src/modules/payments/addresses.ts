// Address formats per chain: checking what a customer or merchant typed, and making sandbox
// addresses and transaction hashes that look exactly like real ones (so UIs, QR codes and
// validators are exercised for real) while being derived deterministically from a seed.
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import { base58, bech32, bech32m, createBase58check } from '@scure/base'
import type { Chain } from './chains.ts'

const base58check = createBase58check(sha256)

/** Tron addresses are base58check of this byte followed by a 20-byte account id. */
const TRON_ADDRESS_PREFIX = 0x41
/** Bitcoin base58 version bytes: P2PKH and P2SH, on mainnet and testnet. */
const BITCOIN_BASE58_VERSIONS = { mainnet: [0x00, 0x05], testnet: [0x6f, 0xc4] }
const SEED_BYTES = 32

export type AddressOptions = {
  /** Bitcoin only: accept testnet addresses (tb1…, m/n/2…) instead of mainnet ones. */
  testnet?: boolean
}

/**
 * A real-format address made from a 32-byte seed; the same seed always gives the same address.
 * Bitcoin gets a TESTNET address (tb1q…): a sandbox must never show a mainnet bitcoin address,
 * where someone could send real coins that nobody holds the key for.
 */
export function sandboxAddress(chain: Chain, seed: Uint8Array): string {
  assertSeed(seed)
  switch (chain) {
    case 'ethereum':
    case 'base':
    case 'polygon':
    case 'bsc':
      return toChecksumAddress(bytesToHex(seed.subarray(0, 20)))
    case 'tron':
      return base58check.encode(Uint8Array.of(TRON_ADDRESS_PREFIX, ...seed.subarray(0, 20)))
    case 'bitcoin':
      // P2WPKH: witness version 0 followed by a 20-byte program.
      return bech32.encode('tb', [0, ...bech32.toWords(seed.subarray(0, 20))])
    case 'solana':
      return base58.encode(seed)
  }
}

/** A real-format transaction id made from a 32-byte seed: 0x-hex on EVM chains, bare hex on tron and bitcoin, a base58 signature on solana. */
export function sandboxTxHash(chain: Chain, seed: Uint8Array): string {
  assertSeed(seed)
  switch (chain) {
    case 'ethereum':
    case 'base':
    case 'polygon':
    case 'bsc':
      return `0x${bytesToHex(seed)}`
    case 'tron':
    case 'bitcoin':
      return bytesToHex(seed)
    case 'solana':
      // Solana identifies a transaction by its 64-byte ed25519 signature; stretch the seed to that size.
      return base58.encode(sha512(seed))
  }
}

export function isValidAddress(chain: Chain, address: string, options: AddressOptions = {}): boolean {
  switch (chain) {
    case 'ethereum':
    case 'base':
    case 'polygon':
    case 'bsc':
      return isValidEvmAddress(address)
    case 'tron': {
      const payload = decodeOrUndefined(base58check, address)
      return payload?.length === 21 && payload[0] === TRON_ADDRESS_PREFIX
    }
    case 'bitcoin':
      return (
        isValidSegwitAddress(address, options.testnet ? 'tb' : 'bc') ||
        isValidLegacyBitcoinAddress(address, options.testnet ?? false)
      )
    case 'solana':
      return decodeOrUndefined(base58, address)?.length === 32
  }
}

/**
 * Where money may be sent: the chain's address format (EVM checksums when mixed case). Test mode
 * takes bitcoin testnet addresses too (sandbox invoices use them); nothing moves there anyway.
 * Pure, so the dashboard checks a payout address as it is typed with this same function.
 */
export function isValidDestination(chain: Chain, address: string, livemode: boolean): boolean {
  return isValidAddress(chain, address) || (!livemode && isValidAddress(chain, address, { testnet: true }))
}

/** EIP-55: uppercase each hex letter whose nibble in keccak256(lowercase hex) is 8 or more. */
function toChecksumAddress(lowercaseHex: string): string {
  const hash = bytesToHex(keccak_256(utf8ToBytes(lowercaseHex)))
  let out = '0x'
  for (let i = 0; i < lowercaseHex.length; i++) {
    out += parseInt(hash[i]!, 16) >= 8 ? lowercaseHex[i]!.toUpperCase() : lowercaseHex[i]
  }
  return out
}

function isValidEvmAddress(address: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return false
  const hex = address.slice(2)
  // Single-case addresses carry no checksum (EIP-55 is opt-in); mixed case must match it exactly.
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return true
  return toChecksumAddress(hex.toLowerCase()) === address
}

/** BIP-173/BIP-350: v0 uses bech32 with a 20- or 32-byte program; v1–16 use bech32m with 2–40 bytes. */
function isValidSegwitAddress(address: string, hrp: 'bc' | 'tb'): boolean {
  // A string passes at most one of the two checksums, which tells which encoding it used.
  const v0 = bech32.decodeUnsafe(address)
  const decoded = v0 ?? bech32m.decodeUnsafe(address)
  if (!decoded || decoded.prefix !== hrp || decoded.words.length === 0) return false
  const [version, ...programWords] = decoded.words as [number, ...number[]]
  const program = bech32.fromWordsUnsafe(programWords)
  if (!program) return false
  if (version === 0) return v0 !== undefined && (program.length === 20 || program.length === 32)
  return v0 === undefined && version <= 16 && program.length >= 2 && program.length <= 40
}

function isValidLegacyBitcoinAddress(address: string, testnet: boolean): boolean {
  const payload = decodeOrUndefined(base58check, address)
  const versions = testnet ? BITCOIN_BASE58_VERSIONS.testnet : BITCOIN_BASE58_VERSIONS.mainnet
  return payload?.length === 21 && versions.includes(payload[0]!)
}

function decodeOrUndefined(coder: { decode(text: string): Uint8Array }, text: string): Uint8Array | undefined {
  try {
    return coder.decode(text)
  } catch {
    return undefined
  }
}

function assertSeed(seed: Uint8Array): void {
  if (seed.length !== SEED_BYTES) throw new RangeError(`seed must be ${SEED_BYTES} bytes, got ${seed.length}`)
}
