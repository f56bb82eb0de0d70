import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { base58, bech32, bech32m } from '@scure/base'
import { isValidAddress, sandboxAddress, sandboxTxHash } from './addresses.ts'
import { CHAINS, type Chain } from './chains.ts'

const EVM_CHAINS: Chain[] = ['ethereum', 'base', 'polygon', 'bsc']

/** A 32-byte seed whose first bytes are `hex`, so known 20-byte vectors can be fed in. */
function seedStartingWith(hex: string): Uint8Array {
  const seed = new Uint8Array(32)
  seed.set(Buffer.from(hex, 'hex'))
  return seed
}

function seedFrom(text: string): Uint8Array {
  return createHash('sha256').update(text).digest()
}

/** Swap the case of the first letter at or after `from` (0x excluded), breaking an EIP-55 checksum. */
function flipCaseOfLetter(address: string, from = 2): string {
  const i = address.slice(from).search(/[a-fA-F]/) + from
  const c = address[i]!
  const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()
  return address.slice(0, i) + flipped + address.slice(i + 1)
}

/** Replace the last character with another one from the same alphabet. */
function changeLastChar(address: string, alternatives: string): string {
  const last = address.at(-1)!
  const replacement = [...alternatives].find((c) => c !== last)!
  return address.slice(0, -1) + replacement
}

test('EVM: the EIP-55 examples are valid on every EVM chain', () => {
  const examples = [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ]
  for (const chain of EVM_CHAINS) {
    for (const address of examples) assert.equal(isValidAddress(chain, address), true, `${chain} ${address}`)
  }
})

test('EVM: single-case addresses carry no checksum and are accepted', () => {
  assert.equal(isValidAddress('ethereum', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'), true)
  assert.equal(isValidAddress('ethereum', '0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED'), true)
})

test('EVM: a flipped checksum letter is rejected', () => {
  const flipped = flipCaseOfLetter('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')
  assert.equal(flipped, '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')
  assert.equal(isValidAddress('ethereum', flipped), false)
  assert.equal(isValidAddress('base', flipCaseOfLetter('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359', 30)), false)
})

test('EVM: wrong length, prefix or characters are rejected', () => {
  for (const address of [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', // 39 hex digits
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0', // 41
    '5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', // no 0x
    '0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg',
    ' 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '',
  ]) {
    assert.equal(isValidAddress('ethereum', address), false, JSON.stringify(address))
  }
})

test('EVM: sandbox addresses carry the EIP-55 checksum of the seed bytes', () => {
  const address = sandboxAddress('ethereum', seedStartingWith('5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'))
  assert.equal(address, '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')
  for (const chain of EVM_CHAINS)
    assert.equal(
      sandboxAddress(chain, seedStartingWith('fb6916095ca1df60bb79ce92ce3ea74c37c5d359')),
      '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    )
})

test('tron: known addresses are valid', () => {
  assert.equal(isValidAddress('tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'), true) // USDT contract
  assert.equal(isValidAddress('tron', 'TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8'), true) // USDC contract
})

test('tron: bad checksum, wrong version byte and wrong length are rejected', () => {
  assert.equal(isValidAddress('tron', changeLastChar('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'tuv')), false)
  assert.equal(isValidAddress('tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6'), false)
  // Valid base58check with 21 bytes, but version 0x00 (a bitcoin address), not 0x41.
  assert.equal(isValidAddress('tron', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'), false)
  assert.equal(isValidAddress('tron', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'), false)
  assert.equal(isValidAddress('tron', ''), false)
})

test('tron: sandbox addresses are base58check of 0x41 and the account id', () => {
  assert.equal(
    sandboxAddress('tron', seedStartingWith('a614f803b6fd780986a42c78ec9c7f77e6ded13c')),
    'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
  )
})

test('bitcoin: BIP-173 and BIP-350 mainnet vectors are valid', () => {
  for (const address of [
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', // v0, 20-byte P2WPKH
    'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', // same, all upper case
    'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3', // v0, 32-byte P2WSH
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', // v1 taproot, bech32m
    'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y', // v1, 40 bytes
    'BC1SW50QGDZ25J', // v16, 2 bytes
    '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', // P2PKH
    '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', // P2SH
  ]) {
    assert.equal(isValidAddress('bitcoin', address), true, address)
  }
})

test('bitcoin: BIP-350 invalid vectors are rejected', () => {
  for (const address of [
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', // v1 with a bech32 checksum
    'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', // v16 with a bech32 checksum
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', // v0 with a bech32m checksum
    'bc1rw5uspcuh', // 1-byte program
    'bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90', // 41-byte program
    'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', // v0 with a 16-byte program
    'bc1gmk9yu', // empty data
  ]) {
    assert.equal(isValidAddress('bitcoin', address), false, address)
  }
})

test('bitcoin: bad checksum, mixed case and wrong network are rejected', () => {
  assert.equal(isValidAddress('bitcoin', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'), false)
  assert.equal(isValidAddress('bitcoin', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kV8f3t4'), false)
  assert.equal(isValidAddress('bitcoin', changeLastChar('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'abc')), false)
  // Testnet addresses are not mainnet addresses…
  assert.equal(isValidAddress('bitcoin', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx'), false)
  assert.equal(isValidAddress('bitcoin', 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn'), false)
  // …and mainnet addresses are not testnet ones.
  assert.equal(isValidAddress('bitcoin', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', { testnet: true }), false)
  assert.equal(isValidAddress('bitcoin', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', { testnet: true }), false)
  assert.equal(isValidAddress('bitcoin', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', { testnet: true }), false)
  // Other bech32 hrps (litecoin) are not bitcoin.
  assert.equal(isValidAddress('bitcoin', bech32.encode('ltc', [0, ...bech32.toWords(new Uint8Array(20))])), false)
})

test('bitcoin: the checksum must match the witness version', () => {
  const program = bech32.toWords(new Uint8Array(32).fill(7))
  assert.equal(isValidAddress('bitcoin', bech32m.encode('bc', [1, ...program])), true)
  assert.equal(isValidAddress('bitcoin', bech32.encode('bc', [1, ...program])), false)
  assert.equal(isValidAddress('bitcoin', bech32.encode('bc', [0, ...program])), true)
  assert.equal(isValidAddress('bitcoin', bech32m.encode('bc', [0, ...program])), false)
  assert.equal(isValidAddress('bitcoin', bech32m.encode('bc', [17, ...program])), false) // no version 17
})

test('bitcoin: testnet vectors are valid with the testnet option', () => {
  for (const address of [
    'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', // P2PKH, version 0x6f
    '2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc', // P2SH, version 0xc4
  ]) {
    assert.equal(isValidAddress('bitcoin', address, { testnet: true }), true, address)
  }
  assert.equal(
    isValidAddress('bitcoin', 'tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf', { testnet: true }),
    false,
  ) // non-zero padding
})

test('bitcoin: sandbox addresses are testnet P2WPKH, never mainnet', () => {
  assert.equal(
    sandboxAddress('bitcoin', seedStartingWith('751e76e8199196d454941c45d1b3a323f1433bd6')),
    'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
  )
  for (let i = 0; i < 20; i++) {
    const address = sandboxAddress('bitcoin', seedFrom(`order-${i}`))
    assert.match(address, /^tb1q[02-9ac-hj-np-z]{38}$/)
    assert.equal(isValidAddress('bitcoin', address, { testnet: true }), true)
    assert.equal(isValidAddress('bitcoin', address), false)
  }
})

test('solana: known program and mint addresses are valid', () => {
  assert.equal(isValidAddress('solana', '11111111111111111111111111111111'), true) // system program, 32 zero bytes
  assert.equal(isValidAddress('solana', 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'), true)
  assert.equal(isValidAddress('solana', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'), true) // USDC mint
})

test('solana: wrong length or characters outside base58 are rejected', () => {
  assert.equal(isValidAddress('solana', '1'.repeat(31)), false)
  assert.equal(isValidAddress('solana', '1'.repeat(33)), false)
  assert.equal(isValidAddress('solana', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1vv'), false)
  assert.equal(isValidAddress('solana', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt10'), false) // '0' is not base58
  assert.equal(isValidAddress('solana', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDtlv'), false) // nor 'l'
  assert.equal(isValidAddress('solana', ''), false)
})

test('sandbox addresses are deterministic, distinct per seed and valid on their chain', () => {
  for (const chain of CHAINS) {
    const a = sandboxAddress(chain, seedFrom('order-a'))
    assert.equal(sandboxAddress(chain, seedFrom('order-a')), a)
    assert.notEqual(sandboxAddress(chain, seedFrom('order-b')), a)
    assert.equal(isValidAddress(chain, a, { testnet: chain === 'bitcoin' }), true, `${chain} ${a}`)
  }
  assert.match(sandboxAddress('tron', seedFrom('order-a')), /^T[1-9A-HJ-NP-Za-km-z]{33}$/)
  assert.match(sandboxAddress('ethereum', seedFrom('order-a')), /^0x[0-9a-fA-F]{40}$/)
  assert.equal(sandboxAddress('solana', new Uint8Array(32)), '11111111111111111111111111111111')
})

test('sandbox addresses and hashes need a 32-byte seed', () => {
  assert.throws(() => sandboxAddress('ethereum', new Uint8Array(20)), RangeError)
  assert.throws(() => sandboxTxHash('solana', new Uint8Array(33)), RangeError)
})

test('sandbox transaction hashes have each chain’s real format and are deterministic', () => {
  const seed = seedFrom('order-a:tx:1')
  const hex = Buffer.from(seed).toString('hex')
  for (const chain of EVM_CHAINS) assert.equal(sandboxTxHash(chain, seed), `0x${hex}`)
  assert.equal(sandboxTxHash('tron', seed), hex)
  assert.equal(sandboxTxHash('bitcoin', seed), hex)
  assert.match(hex, /^[0-9a-f]{64}$/)

  const signature = sandboxTxHash('solana', seed)
  assert.equal(base58.decode(signature).length, 64)
  assert.equal(sandboxTxHash('solana', seed), signature)
  assert.notEqual(sandboxTxHash('solana', seedFrom('order-a:tx:2')), signature)
})
