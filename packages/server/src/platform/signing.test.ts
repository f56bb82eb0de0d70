import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { describe, it } from 'node:test'
import { Webhook } from 'standardwebhooks'
import { newSigningSecret, signedHeaders, verifyXSignature } from './signing.ts'

const nowSeconds = () => Math.floor(Date.now() / 1000)
const body = JSON.stringify({ id: 'evt_01JABC', type: 'order.paid', data: { amount: 'ünïcode €' } })

// An independent X-Signature check, written from the docs' description rather than the module.
function handCheckedXSignature(secret: string, header: string, timestamp: string, rawBody: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = 'sha256=' + createHmac('sha256', key).update(`${timestamp}.${rawBody}`).digest('hex')
  return header.split(', ').includes(expected)
}

function standardVerifies(secret: string, headers: Record<string, string>, rawBody: string): boolean {
  try {
    new Webhook(secret).verify(rawBody, headers)
    return true
  } catch {
    return false
  }
}

describe('newSigningSecret', () => {
  it('is whsec_ + base64 of 32 random bytes', () => {
    const secret = newSigningSecret()
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
    assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32)
    assert.notEqual(secret, newSigningSecret())
  })
})

describe('signedHeaders', () => {
  it('sets both header sets and nothing else', () => {
    const headers = signedHeaders({
      secrets: [newSigningSecret()],
      id: 'evt_1',
      timestamp: 1_700_000_000,
      body,
      eventType: 'order.paid',
    })
    assert.deepEqual(Object.keys(headers).sort(), [
      'user-agent',
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
      'x-event-id',
      'x-event-type',
      'x-signature',
      'x-webhook-timestamp',
    ])
    assert.equal(headers['user-agent'], 'sx-webhook/1')
    assert.equal(headers['x-event-id'], 'evt_1')
    assert.equal(headers['webhook-id'], 'evt_1')
    assert.equal(headers['x-event-type'], 'order.paid')
    assert.equal(headers['x-webhook-timestamp'], '1700000000')
    assert.equal(headers['webhook-timestamp'], '1700000000')
    assert.match(headers['x-signature']!, /^sha256=[0-9a-f]{64}$/)
    assert.match(headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]{43}=$/)
  })

  it('leaves X-Event-Type out when no event type is given', () => {
    const headers = signedHeaders({ secrets: [newSigningSecret()], id: 'evt_1', timestamp: 1, body })
    assert.equal('x-event-type' in headers, false)
  })

  it('produces the same webhook-signature as the standardwebhooks reference signer', () => {
    const secret = newSigningSecret()
    const headers = signedHeaders({ secrets: [secret], id: 'evt_1', timestamp: 1_700_000_000, body })
    assert.equal(headers['webhook-signature'], new Webhook(secret).sign('evt_1', new Date(1_700_000_000_000), body))
  })

  it('verifies with standardwebhooks and with a hand-written X-Signature check', () => {
    const secret = newSigningSecret()
    const headers = signedHeaders({ secrets: [secret], id: 'evt_2', timestamp: nowSeconds(), body })
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body))
    assert.ok(handCheckedXSignature(secret, headers['x-signature']!, headers['x-webhook-timestamp']!, body))
    assert.ok(verifyXSignature(secret, headers['x-signature']!, headers['x-webhook-timestamp']!, body, nowSeconds()))
  })

  it('a tampered body fails both checks', () => {
    const secret = newSigningSecret()
    const headers = signedHeaders({ secrets: [secret], id: 'evt_3', timestamp: nowSeconds(), body })
    const tampered = body.replace('order.paid', 'order.refunded')
    assert.equal(standardVerifies(secret, headers, tampered), false)
    assert.equal(
      handCheckedXSignature(secret, headers['x-signature']!, headers['x-webhook-timestamp']!, tampered),
      false,
    )
    assert.equal(
      verifyXSignature(secret, headers['x-signature']!, headers['x-webhook-timestamp']!, tampered, nowSeconds()),
      false,
    )
  })

  it('a stale or future timestamp fails both checks', () => {
    const secret = newSigningSecret()
    for (const skew of [-301, 301]) {
      const timestamp = nowSeconds() + skew
      const headers = signedHeaders({ secrets: [secret], id: 'evt_4', timestamp, body })
      assert.equal(standardVerifies(secret, headers, body), false, `skew ${skew}`)
      assert.equal(
        verifyXSignature(secret, headers['x-signature']!, String(timestamp), body, nowSeconds()),
        false,
        `skew ${skew}`,
      )
    }
  })

  it('signs with every secret during rotation, and each one verifies', () => {
    const [oldSecret, newSecret] = [newSigningSecret(), newSigningSecret()]
    const headers = signedHeaders({ secrets: [oldSecret, newSecret], id: 'evt_5', timestamp: nowSeconds(), body })
    assert.match(headers['x-signature']!, /^sha256=[0-9a-f]{64}, sha256=[0-9a-f]{64}$/)
    assert.match(headers['webhook-signature']!, /^v1,\S+ v1,\S+$/)
    for (const secret of [oldSecret, newSecret]) {
      assert.ok(standardVerifies(secret, headers, body))
      assert.ok(handCheckedXSignature(secret, headers['x-signature']!, headers['x-webhook-timestamp']!, body))
      assert.ok(verifyXSignature(secret, headers['x-signature']!, headers['x-webhook-timestamp']!, body, nowSeconds()))
    }
    assert.equal(standardVerifies(newSigningSecret(), headers, body), false)
  })

  it('refuses to sign without a secret or with a malformed one', () => {
    assert.throws(() => signedHeaders({ secrets: [], id: 'evt_6', timestamp: 1, body }))
    assert.throws(() => signedHeaders({ secrets: ['not-a-secret'], id: 'evt_6', timestamp: 1, body }))
  })
})

describe('verifyXSignature', () => {
  it('rejects a wrong secret, a malformed header and a non-numeric timestamp', () => {
    const secret = newSigningSecret()
    const timestamp = String(nowSeconds())
    const header = signedHeaders({ secrets: [secret], id: 'evt_7', timestamp: Number(timestamp), body })['x-signature']!
    assert.equal(verifyXSignature(newSigningSecret(), header, timestamp, body, nowSeconds()), false)
    assert.equal(verifyXSignature(secret, header.replace('sha256=', 'sha1='), timestamp, body, nowSeconds()), false)
    assert.equal(verifyXSignature(secret, header.slice(0, -1), timestamp, body, nowSeconds()), false)
    assert.equal(verifyXSignature(secret, header, `${timestamp}x`, body, nowSeconds()), false)
  })
})
