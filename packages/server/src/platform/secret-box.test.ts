import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createSecretBox, loadOrCreateMasterKey } from './secret-box.ts'

const run = promisify(execFile)
const scratch = mkdtempSync(join(tmpdir(), 'sx-secret-box-'))
after(() => rmSync(scratch, { recursive: true, force: true }))

/** Flips one bit of the decoded bytes of part `index` of a sealed value, re-encoding canonically. */
function flipBit(sealed: string, index: 1 | 2): string {
  const parts = sealed.split('.')
  const bytes = Buffer.from(parts[index]!, 'base64url')
  bytes[0]! ^= 1
  parts[index] = bytes.toString('base64url')
  return parts.join('.')
}

describe('createSecretBox', () => {
  const box = createSecretBox('master key for tests')

  it('round-trips text, including empty and non-ASCII', () => {
    for (const plain of ['whsec_abc', '', 'ключ ✓ 🔑', 'x'.repeat(10_000)])
      assert.equal(box.open(box.seal(plain)), plain)
  })

  it('seals as v1.<iv>.<ciphertext+tag>, with a fresh iv each time', () => {
    const sealed = box.seal('same text')
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    assert.equal(Buffer.from(sealed.split('.')[2]!, 'base64url').length, 'same text'.length + 16)
    assert.notEqual(sealed, box.seal('same text'))
  })

  it('opens only under the same master key', () => {
    const sealed = box.seal('secret')
    assert.equal(createSecretBox('master key for tests').open(sealed), 'secret')
    assert.throws(() => createSecretBox('another master key').open(sealed), /altered or sealed under another key/)
  })

  it('throws on any tampering', () => {
    const sealed = box.seal('secret')
    const [, iv, body] = sealed.split('.')
    for (const bad of [
      flipBit(sealed, 1),
      flipBit(sealed, 2),
      `v2.${iv}.${body}`,
      `v1.${iv}`,
      `v1.${iv}.${body}.extra`,
      `v1.${iv}.${body!.slice(0, 10)}`,
      `v1.${iv}.${body}A`,
      `v1.${iv}.${body}!`,
      'plain text',
    ]) {
      assert.throws(() => box.open(bad), Error, bad)
    }
  })

  it('never repeats an iv, across refills of its pool', () => {
    const ivs = new Set(Array.from({ length: 10_000 }, () => box.seal('x').split('.')[1]))
    assert.equal(ivs.size, 10_000)
  })

  it('digests with a keyed HMAC: stable per master key, unrelated to a plain SHA-256, different under another key', () => {
    const digest = box.digest('KEY-0001')
    assert.match(digest, /^[0-9a-f]{64}$/)
    assert.equal(createSecretBox('master key for tests').digest('KEY-0001'), digest)
    assert.notEqual(box.digest('KEY-0002'), digest)
    assert.notEqual(createHash('sha256').update('KEY-0001').digest('hex'), digest)
    assert.notEqual(createSecretBox('another master key').digest('KEY-0001'), digest)
  })

  it('refuses an empty master key', () => {
    assert.throws(() => createSecretBox(''))
  })
})

describe('loadOrCreateMasterKey', () => {
  it('returns the configured key without touching the data folder', () => {
    const dir = join(scratch, 'configured')
    assert.equal(loadOrCreateMasterKey(dir, 'from SX_SECRET'), 'from SX_SECRET')
    assert.throws(() => statSync(dir))
  })

  it('creates <dataDir>/secret.key (mode 0600) once and reads it back afterwards', () => {
    const dir = join(scratch, 'fresh', 'nested')
    const key = loadOrCreateMasterKey(dir, null)
    assert.match(key, /^[A-Za-z0-9_-]{43}$/)
    assert.equal(Buffer.from(key, 'base64url').length, 32)
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600)
    assert.equal(loadOrCreateMasterKey(dir, null), key)
    assert.deepEqual(readdirSync(dir), ['secret.key'])
  })

  it('honours an existing key file and refuses an empty one', () => {
    const dir = join(scratch, 'existing')
    loadOrCreateMasterKey(dir, null)
    writeFileSync(join(dir, 'secret.key'), 'operator-chosen\n')
    assert.equal(loadOrCreateMasterKey(dir, null), 'operator-chosen')
    writeFileSync(join(dir, 'secret.key'), '\n')
    assert.throws(() => loadOrCreateMasterKey(dir, null), /is empty/)
  })

  it('gives every process racing on a fresh folder the same key', async () => {
    const dir = join(scratch, 'race')
    const modulePath = fileURLToPath(new URL('./secret-box.ts', import.meta.url))
    const script = `import { loadOrCreateMasterKey } from ${JSON.stringify(modulePath)}
process.stdout.write(loadOrCreateMasterKey(${JSON.stringify(dir)}, null))`
    const children = Array.from({ length: 6 }, () =>
      run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script]),
    )
    const keys = (await Promise.all(children)).map((child) => child.stdout)
    assert.equal(new Set(keys).size, 1)
    assert.equal(keys[0], readFileSync(join(dir, 'secret.key'), 'utf8').trim())
    assert.deepEqual(readdirSync(dir), ['secret.key'])
  })
})
