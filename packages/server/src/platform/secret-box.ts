// Encryption at rest for what sx must be able to read back (signing secrets, pool items, delivered
// goods, stored answers): AES-256-GCM under a key derived from the operator's master key, so a
// copied database alone reveals nothing and any edit to a sealed value is detected on open. Values
// that must be compared without being read (a pool's duplicates) get a keyed digest instead of a
// plain hash, which a copied database could test guesses against.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  randomFillSync,
} from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const FORMAT_VERSION = 'v1'
const HKDF_INFO = 'sx secret-box v1'
const DIGEST_INFO = 'sx secret-box digest v1'
const IV_BYTES = 12
/** IVs are cut from a buffer of random bytes refilled this many at a time: one randomBytes call per
 *  value costs as much as the encryption itself, and a stock import seals 100,000 values. */
const IV_POOL_VALUES = 4096
const TAG_BYTES = 16
const KEY_FILE = 'secret.key'

export type SecretBox = {
  /** `v1.<base64url iv>.<base64url ciphertext+tag>` */
  seal(plain: string): string
  /** Throws if the value was altered or sealed under another master key. */
  open(sealed: string): string
  /** Hex HMAC-SHA256 under its own derived key: equal values, equal digests; unreadable without the master key. */
  digest(plain: string): string
}

export function createSecretBox(masterKey: string): SecretBox {
  if (masterKey.length === 0) throw new Error('secret-box master key is empty')
  // HKDF rather than the raw master key: SX_SECRET may be any text, and a labelled derivation
  // keeps this key apart from anything else that might later be derived from the same secret.
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), HKDF_INFO, 32)))
  const digestKey = createSecretKey(Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), DIGEST_INFO, 32)))
  const ivPool = Buffer.alloc(IV_BYTES * IV_POOL_VALUES)
  let ivOffset = ivPool.length

  return {
    seal(plain) {
      if (ivOffset === ivPool.length) {
        randomFillSync(ivPool)
        ivOffset = 0
      }
      // Copied out: the pool is overwritten when it is refilled.
      const iv = Buffer.from(ivPool.subarray(ivOffset, (ivOffset += IV_BYTES)))
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()])
      return `${FORMAT_VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`
    },
    open(sealed) {
      const [version, ivText, bodyText, ...rest] = sealed.split('.')
      if (version !== FORMAT_VERSION || ivText === undefined || bodyText === undefined || rest.length > 0) {
        throw new Error('secret-box: not a sealed v1 value')
      }
      const iv = strictBase64url(ivText)
      const body = strictBase64url(bodyText)
      if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new Error('secret-box: sealed value is truncated')
      const decipher = createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
      try {
        return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
          'utf8',
        )
      } catch (cause) {
        throw new Error('secret-box: sealed value was altered or sealed under another key', { cause })
      }
    },
    digest(plain) {
      return createHmac('sha256', digestKey).update(plain, 'utf8').digest('hex')
    },
  }
}

/**
 * The master key: SX_SECRET when configured, else `<dataDir>/secret.key`, generated on first use.
 * Several processes may start at once on a fresh data folder; exactly one key must win, and nobody
 * may read a half-written file. So the key is written whole to a private temporary file and then
 * hard-linked into place, which either succeeds or fails with EEXIST atomically; losers read the
 * winner's file.
 */
export function loadOrCreateMasterKey(dataDir: string, configured: string | null): string {
  if (configured !== null) return configured
  const path = join(dataDir, KEY_FILE)
  const existing = readKeyFile(path)
  if (existing !== null) return existing

  mkdirSync(dataDir, { recursive: true })
  const candidate = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(candidate, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 })
  try {
    linkSync(candidate, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    unlinkSync(candidate)
  }
  const winner = readKeyFile(path)
  if (winner === null) throw new Error(`${path} vanished while it was being created`)
  return winner
}

function readKeyFile(path: string): string | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const key = text.trim()
  // An empty key file would silently mean "no encryption key"; make the operator decide.
  if (key.length === 0) throw new Error(`${path} is empty: restore it from a backup or set SX_SECRET`)
  return key
}

/** Node's decoder skips junk characters; insisting on the canonical form makes any edit to the text fail. */
function strictBase64url(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url')
  if (bytes.toString('base64url') !== text) throw new Error('secret-box: sealed value is not canonical base64url')
  return bytes
}
