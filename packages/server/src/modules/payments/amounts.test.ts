import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatUnits, parseUnits, quote, tolerance, SANDBOX_ASSET_RATES } from './amounts.ts'
import { CHAINS, assetsOf, findAsset, type AssetInfo } from './chains.ts'

function asset(chain: string, symbol: string): AssetInfo {
  const info = findAsset(chain, symbol)
  assert.ok(info, `${chain}/${symbol} is in the registry`)
  return info
}

test('parseUnits reads whole and fractional amounts into base units', () => {
  assert.equal(parseUnits('25', 6), 25_000_000n)
  assert.equal(parseUnits('25.5', 6), 25_500_000n)
  assert.equal(parseUnits('25.000000', 6), 25_000_000n)
  assert.equal(parseUnits('0.000001', 6), 1n)
  assert.equal(parseUnits('0', 6), 0n)
  assert.equal(parseUnits('1.000000000000000001', 18), 1_000_000_000_000_000_001n)
  assert.equal(parseUnits('7', 0), 7n)
})

test('parseUnits keeps precision far beyond what a float could hold', () => {
  assert.equal(parseUnits('123456789012.123456789012345678', 18), 123_456_789_012_123_456_789_012_345_678n)
})

test('parseUnits rejects anything that is not a plain non-negative decimal', () => {
  for (const text of [
    '',
    '-1',
    '+1',
    '1e6',
    '1E6',
    ' 25',
    '25 ',
    '25\n',
    '25.',
    '.5',
    '1,5',
    '0x10',
    'NaN',
    'Infinity',
    '١٢',
    '2..5',
    '2.5.1',
  ]) {
    assert.equal(parseUnits(text, 6), null, JSON.stringify(text))
  }
})

test('parseUnits rejects more fraction digits than the asset has, even zeros', () => {
  assert.equal(parseUnits('0.0000001', 6), null)
  assert.equal(parseUnits('25.0000000', 6), null)
  assert.equal(parseUnits('1.5', 0), null)
})

test('parseUnits and formatUnits refuse nonsense decimals', () => {
  assert.throws(() => parseUnits('1', -1), RangeError)
  assert.throws(() => formatUnits(1n, 1.5), RangeError)
})

test('formatUnits prints every fraction digit, exactly', () => {
  assert.equal(formatUnits(25_000_000n, 6), '25.000000')
  assert.equal(formatUnits(1n, 6), '0.000001')
  assert.equal(formatUnits(0n, 8), '0.00000000')
  assert.equal(formatUnits(38_462n, 8), '0.00038462')
  assert.equal(formatUnits(1_000_000_000_000_000_001n, 18), '1.000000000000000001')
  assert.equal(formatUnits(7n, 0), '7')
  assert.equal(formatUnits(-1_500_000n, 6), '-1.500000')
})

test('formatUnits and parseUnits round-trip', () => {
  for (const [value, decimals] of [
    [0n, 6],
    [1n, 18],
    [123_456_789n, 8],
    [10n ** 30n + 7n, 18],
  ] as const) {
    assert.equal(parseUnits(formatUnits(value, decimals), decimals), value)
  }
})

test('quote converts stablecoin prices one to one', () => {
  assert.equal(quote(2500, 'USD', asset('tron', 'USDT')), 25_000_000n)
  assert.equal(quote(2500, 'USD', asset('bsc', 'USDT')), 25n * 10n ** 18n)
  assert.equal(quote(1, 'USD', asset('solana', 'USDC')), 10_000n)
  assert.equal(quote(0, 'USD', asset('tron', 'USDT')), 0n)
})

test('quote converts EUR and GBP with the sandbox rates', () => {
  assert.equal(quote(2500, 'EUR', asset('tron', 'USDT')), 27_000_000n)
  assert.equal(quote(2500, 'GBP', asset('tron', 'USDT')), 31_750_000n)
  assert.equal(quote(2500, 'eur', asset('tron', 'USDT')), 27_000_000n)
})

test('quote converts to volatile assets at the sandbox rates', () => {
  assert.equal(quote(300_000, 'USD', asset('ethereum', 'ETH')), 10n ** 18n)
  assert.equal(quote(15_000, 'USD', asset('solana', 'SOL')), 10n ** 9n)
  assert.equal(quote(2500, 'USD', asset('tron', 'TRX')), 100_000_000n)
  assert.equal(quote(100, 'USD', asset('polygon', 'POL')), 2n * 10n ** 18n)
  assert.equal(quote(60_000, 'USD', asset('bsc', 'BNB')), 10n ** 18n)
  assert.equal(quote(6_500_000, 'USD', asset('bitcoin', 'BTC')), 100_000_000n)
})

test('quote rounds up to the smallest unit so the merchant is never short', () => {
  // $25 / $65,000 = 38,461.538… sat
  assert.equal(quote(2500, 'USD', asset('bitcoin', 'BTC')), 38_462n)
  // $19.99 / $3,000 = 6,663,333,333,333,333.33… wei
  assert.equal(quote(1999, 'USD', asset('ethereum', 'ETH')), 6_663_333_333_333_334n)
  // 1 cent at 1.08 = 10,800 micro-USDT: exact, so no rounding up
  assert.equal(quote(1, 'EUR', asset('tron', 'USDT')), 10_800n)
  // $0.01 / $65,000 = 15.38… sat
  assert.equal(quote(1, 'USD', asset('bitcoin', 'BTC')), 16n)
})

test('quote returns null for a currency without a sandbox rate', () => {
  assert.equal(quote(2500, 'JPY', asset('tron', 'USDT')), null)
  assert.equal(quote(2500, '', asset('tron', 'USDT')), null)
  assert.equal(quote(2500, 'constructor', asset('tron', 'USDT')), null)
})

test('quote refuses a price that is not a whole non-negative number of cents', () => {
  for (const cents of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    assert.throws(() => quote(cents, 'USD', asset('tron', 'USDT')), RangeError, String(cents))
  }
})

test('every registered asset has a sandbox rate', () => {
  for (const chain of CHAINS) {
    for (const info of assetsOf(chain)) {
      assert.ok(Object.hasOwn(SANDBOX_ASSET_RATES, info.asset), `${chain}/${info.asset}`)
      assert.notEqual(quote(100, 'USD', info), null)
    }
  }
})

test('tolerance is zero for stablecoins', () => {
  assert.equal(tolerance(asset('tron', 'USDT'), 25_000_000n), 0n)
  assert.equal(tolerance(asset('bsc', 'USDC'), 10n ** 20n), 0n)
})

test('tolerance is 0.5% for volatile assets, rounded down', () => {
  assert.equal(tolerance(asset('bitcoin', 'BTC'), 100_000n), 500n)
  // 0.5% of 38,462 sat = 192.31 → 192
  assert.equal(tolerance(asset('bitcoin', 'BTC'), 38_462n), 192n)
  assert.equal(tolerance(asset('ethereum', 'ETH'), 10n ** 18n), 5n * 10n ** 15n)
  assert.equal(tolerance(asset('bitcoin', 'BTC'), 199n), 0n)
})
