// canonicalJson fingerprints Idempotency-Key bodies: bodies that mean the same must give the same
// text, bodies that differ must not. Inputs are what a JSON body parses to.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalJson } from './idempotency.ts'

/** What the server sees: the body parsed from the text a client sent. */
const parsed = (text: string): unknown => JSON.parse(text)

test('object keys are sorted, at every depth, with no whitespace', () => {
  assert.equal(canonicalJson(parsed('{ "b": 1, "a": 2 }')), '{"a":2,"b":1}')
  assert.equal(
    canonicalJson(parsed('{"z":{"y":1,"x":[{"d":1,"c":2}]},"a":null}')),
    '{"a":null,"z":{"x":[{"c":2,"d":1}],"y":1}}',
  )
  assert.equal(canonicalJson(parsed('{}')), '{}')
  assert.equal(canonicalJson(parsed('[]')), '[]')
})

test('the same body sent with another key order or spacing has the same fingerprint', () => {
  const a = '{"customer_email":"a@b.c","items":[{"product_id":"p","qty":2}],"chain":"tron"}'
  const b = '{\n  "chain": "tron",\n  "items": [ { "qty": 2, "product_id": "p" } ],\n  "customer_email": "a@b.c"\n}'
  assert.equal(canonicalJson(parsed(a)), canonicalJson(parsed(b)))
})

test('array order is kept: reordered items are another body', () => {
  assert.equal(canonicalJson(parsed('[3,1,2]')), '[3,1,2]')
  assert.notEqual(canonicalJson(parsed('{"items":[1,2]}')), canonicalJson(parsed('{"items":[2,1]}')))
})

test('values that differ only in type or depth give different text', () => {
  const bodies = [
    '{"qty":1}',
    '{"qty":"1"}',
    '{"qty":true}',
    '{"qty":null}',
    '{"qty":[1]}',
    '{"qty":{"qty":1}}',
    '{}',
    'null',
    '"qty"',
    '1',
  ]
  const texts = bodies.map((b) => canonicalJson(parsed(b)))
  assert.equal(new Set(texts).size, bodies.length, texts.join(' | '))
})

test('numbers are written as JSON writes them (1.0 is 1, exponents normalised)', () => {
  assert.equal(
    canonicalJson(parsed('{"a":1.0,"b":-0,"c":1e3,"d":0.1,"e":1e21,"f":-12.5}')),
    '{"a":1,"b":0,"c":1000,"d":0.1,"e":1e+21,"f":-12.5}',
  )
  assert.equal(canonicalJson(parsed('10.00')), canonicalJson(parsed('1e1')))
})

test('strings and keys are escaped, so a key cannot forge structure', () => {
  assert.equal(canonicalJson(parsed('{"a\\"b":"c\\nd"}')), '{"a\\"b":"c\\nd"}')
  // One key holding `a":1,"b` is not the two keys a and b.
  assert.notEqual(canonicalJson(parsed('{"a\\":1,\\"b":1}')), canonicalJson(parsed('{"a":1,"b":1}')))
  assert.equal(canonicalJson(parsed('{"__proto__":{"x":1}}')), '{"__proto__":{"x":1}}', 'an own __proto__ key is kept')
})

test('unicode is kept as text, keys sort by UTF-16 code unit, and escapes decode to the same body', () => {
  assert.equal(canonicalJson(parsed('{"é":1,"z":2,"Z":3,"😀":4}')), '{"Z":3,"z":2,"é":1,"😀":4}')
  assert.equal(canonicalJson(parsed('{"name":"caf\\u00e9"}')), canonicalJson(parsed('{"name":"café"}')))
  assert.equal(canonicalJson(parsed('"caf\\u00e9 😀"')), '"café 😀"')
  // NFC and NFD forms are different bytes, and a fingerprint must not merge them.
  assert.notEqual(canonicalJson('caf\u00e9'), canonicalJson('cafe\u0301'))
  // A lone surrogate is written escaped (well-formed JSON), not as broken UTF-16.
  assert.equal(canonicalJson(parsed('"\\ud800"')), '"\\ud800"')
})

test('no body at all fingerprints as null', () => {
  assert.equal(canonicalJson(null), 'null')
  assert.equal(canonicalJson(undefined), 'null')
})
