import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addressKey } from './address-budgets.ts'

describe('addressKey', () => {
  it('keeps IPv4 addresses, and reads IPv4-mapped IPv6 as IPv4', () => {
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7')
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7')
    assert.equal(addressKey('::FFFF:203.0.113.7'), '203.0.113.7')
  })

  it('puts every IPv6 address of one /64 under one key, however it is written', () => {
    const key = '2001:db8:0:1::/64'
    for (const ip of [
      '2001:db8:0:1::1',
      '2001:0db8:0000:0001:ffff:ffff:ffff:ffff',
      '2001:DB8:0:1:a:b:c:d',
      '2001:db8:0:1::1%eth0',
    ]) {
      assert.equal(addressKey(ip), key, ip)
    }
    assert.notEqual(addressKey('2001:db8:0:2::1'), key)
    assert.equal(addressKey('::1'), '0:0:0:0::/64')
    assert.equal(addressKey('2001:db8::'), '2001:db8:0:0::/64')
  })
})
