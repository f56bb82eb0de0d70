import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CHAINS, DEFAULT_PAYMENT_METHOD, assetsOf, findAsset, isChain, paymentUri } from './chains.ts'

const BTC_ADDRESS = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
const EVM_ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
const SOL_ADDRESS = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'
const TRON_ADDRESS = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'

test('the registry lists each chain with its assets and decimals', () => {
  const table = Object.fromEntries(
    CHAINS.map((chain) => [chain, assetsOf(chain).map((a) => `${a.asset}:${a.decimals}${a.stablecoin ? '$' : ''}`)]),
  )
  assert.deepEqual(table, {
    tron: ['USDT:6$', 'USDC:6$', 'TRX:6'],
    base: ['USDC:6$', 'ETH:18'],
    ethereum: ['USDT:6$', 'USDC:6$', 'ETH:18'],
    bitcoin: ['BTC:8'],
    solana: ['USDC:6$', 'USDT:6$', 'SOL:9'],
    polygon: ['USDT:6$', 'USDC:6$', 'POL:18'],
    bsc: ['USDT:18$', 'USDC:18$', 'BNB:18'],
  })
})

test('findAsset returns the full asset description', () => {
  assert.deepEqual(findAsset('tron', 'USDT'), { chain: 'tron', asset: 'USDT', decimals: 6, stablecoin: true })
  assert.deepEqual(findAsset('bsc', 'USDT'), { chain: 'bsc', asset: 'USDT', decimals: 18, stablecoin: true })
  assert.deepEqual(findAsset('solana', 'SOL'), { chain: 'solana', asset: 'SOL', decimals: 9, stablecoin: false })
})

test('findAsset is undefined for unknown chains, unknown assets and prototype names', () => {
  assert.equal(findAsset('bitcoin', 'USDT'), undefined)
  assert.equal(findAsset('base', 'USDT'), undefined)
  assert.equal(findAsset('tron', 'usdt'), undefined)
  assert.equal(findAsset('litecoin', 'LTC'), undefined)
  assert.equal(findAsset('tron', 'constructor'), undefined)
  assert.equal(findAsset('tron', '__proto__'), undefined)
  assert.equal(findAsset('constructor', 'USDT'), undefined)
})

test('assetsOf hands out copies the caller cannot use to change the registry', () => {
  const [first] = assetsOf('tron')
  first!.decimals = 99
  assert.equal(findAsset('tron', 'USDT')!.decimals, 6)
})

test('isChain accepts exactly the supported chains', () => {
  for (const chain of CHAINS) assert.equal(isChain(chain), true)
  for (const other of ['', 'Tron', 'litecoin', 'constructor']) assert.equal(isChain(other), false)
})

test('the default payment method is USDT on tron and is in the registry', () => {
  assert.deepEqual(DEFAULT_PAYMENT_METHOD, { chain: 'tron', asset: 'USDT' })
  assert.ok(findAsset(DEFAULT_PAYMENT_METHOD.chain, DEFAULT_PAYMENT_METHOD.asset))
})

test('paymentUri: bitcoin uses BIP-21 with the amount in BTC', () => {
  assert.equal(paymentUri('bitcoin', 'BTC', BTC_ADDRESS, '0.00038462'), `bitcoin:${BTC_ADDRESS}?amount=0.00038462`)
  assert.equal(paymentUri('bitcoin', 'BTC', BTC_ADDRESS, '1.50000000'), `bitcoin:${BTC_ADDRESS}?amount=1.5`)
  assert.equal(paymentUri('bitcoin', 'BTC', BTC_ADDRESS, '1'), `bitcoin:${BTC_ADDRESS}?amount=1`)
  assert.equal(paymentUri('bitcoin', 'BTC', BTC_ADDRESS, '0.00000001'), `bitcoin:${BTC_ADDRESS}?amount=0.00000001`)
})

test('paymentUri: EVM native coins use EIP-681 with the chain id and the value in wei', () => {
  const eth = '0.006663333333333334'
  const wei = '6663333333333334'
  assert.equal(paymentUri('ethereum', 'ETH', EVM_ADDRESS, eth), `ethereum:${EVM_ADDRESS}@1?value=${wei}`)
  assert.equal(paymentUri('base', 'ETH', EVM_ADDRESS, eth), `ethereum:${EVM_ADDRESS}@8453?value=${wei}`)
  assert.equal(paymentUri('polygon', 'POL', EVM_ADDRESS, eth), `ethereum:${EVM_ADDRESS}@137?value=${wei}`)
  assert.equal(
    paymentUri('bsc', 'BNB', EVM_ADDRESS, '2.000000000000000000'),
    `ethereum:${EVM_ADDRESS}@56?value=2000000000000000000`,
  )
})

test('paymentUri: solana native uses Solana Pay with the amount in SOL', () => {
  assert.equal(paymentUri('solana', 'SOL', SOL_ADDRESS, '0.166666667'), `solana:${SOL_ADDRESS}?amount=0.166666667`)
  assert.equal(paymentUri('solana', 'SOL', SOL_ADDRESS, '2.000000000'), `solana:${SOL_ADDRESS}?amount=2`)
})

test('paymentUri: tokens and tron get the bare address', () => {
  assert.equal(paymentUri('tron', 'USDT', TRON_ADDRESS, '25.000000'), TRON_ADDRESS)
  assert.equal(paymentUri('tron', 'TRX', TRON_ADDRESS, '100.000000'), TRON_ADDRESS)
  assert.equal(paymentUri('ethereum', 'USDC', EVM_ADDRESS, '25.000000'), EVM_ADDRESS)
  assert.equal(paymentUri('bsc', 'USDT', EVM_ADDRESS, '25.000000000000000000'), EVM_ADDRESS)
  assert.equal(paymentUri('solana', 'USDC', SOL_ADDRESS, '25.000000'), SOL_ADDRESS)
  // ETH is native on base but not on polygon, where it would be a bridged token.
  assert.equal(paymentUri('polygon', 'ETH', EVM_ADDRESS, '1'), EVM_ADDRESS)
})

test("paymentUri refuses amounts that are not plain decimals within the coin's precision", () => {
  for (const amount of ['0.000000001', '-1', '', '1e8', ' 1', '25.']) {
    assert.throws(() => paymentUri('bitcoin', 'BTC', BTC_ADDRESS, amount), RangeError, JSON.stringify(amount))
  }
})
