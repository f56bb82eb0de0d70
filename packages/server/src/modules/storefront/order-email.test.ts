import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderOrderEmail } from './order-email.ts'
import { SAMPLE_ITEMS, awaitingPaymentView, completedView } from './order-view.fixtures.ts'

const PAGE_URL = 'https://pay.example.com/o/tok_abc'
const XSS = '<script>alert(1)</script>'

describe('renderOrderEmail', () => {
  it('confirmation says what to pay, where, by when, and links the page', () => {
    const mail = renderOrderEmail(awaitingPaymentView(), PAGE_URL, 'confirmation')
    assert.equal(mail.subject, 'Northwind Software: complete your payment for order ord_01JEXAMPLE7Q9ZKD4M2V8RT3WX')
    assert.match(mail.text, /Send exactly \(USDT on Tron\):\n49.000000 USDT\n/)
    assert.match(mail.text, /To this address:\nTXkq7yR5VZ9N8mWqL3cJpH2fB6tDgE4sUa\n/)
    assert.match(mail.text, /Pay before Dec 12, 2026, 2:32 PM UTC\./)
    assert.match(mail.text, /Total — \$49.00/)
    assert.ok(mail.text.includes(PAGE_URL))
    assert.match(mail.html, /^<!doctype html>/)
    assert.ok(mail.html.includes(`href="${PAGE_URL}"`))
    assert.doesNotMatch(mail.text + mail.subject, /TEST/)
  })

  it('marks test-mode mail in the subject and the body', () => {
    const mail = renderOrderEmail(awaitingPaymentView({ livemode: false }), PAGE_URL, 'confirmation')
    assert.match(mail.subject, /^\[TEST\] /)
    assert.match(mail.text, /Test mode — do not send real funds/)
    assert.match(mail.html, /Test mode — do not send real funds/)
  })

  it('delivery carries every delivered value verbatim, the download link and the page link', () => {
    const mail = renderOrderEmail(completedView(), PAGE_URL, 'delivery')
    assert.equal(mail.subject, 'Northwind Software: your order ord_01JEXAMPLE7Q9ZKD4M2V8RT3WX is ready')
    for (const value of SAMPLE_ITEMS.flatMap((item) => [item.value, item.url, item.trackingNumber])) {
      if (value) assert.ok(mail.text.includes(value), `text contains ${value}`)
    }
    assert.match(mail.text, /The link expires Dec 19, 2026, 2:02 PM UTC, 5 downloads left\./)
    assert.match(mail.text, /Updates plan: subscription active until Dec 12, 2027\./)
    assert.match(mail.text, /View your order:\nhttps:\/\/pay.example.com\/o\/tok_abc\n/)
    assert.match(mail.html, /login: buyer@example.com\npassword: c0rrect-h0rse-battery<\/pre>/)
  })

  it('resend repeats the goods', () => {
    const mail = renderOrderEmail(completedView(), PAGE_URL, 'resend')
    assert.match(mail.subject, /\(sent again\)$/)
    assert.match(mail.text, /Here is your order again/)
    assert.ok(mail.text.includes('NWND-7H2K-Q9XP-4LMV-8RTE'))
  })

  it('renewal asks for the amount due with a pay link', () => {
    const mail = renderOrderEmail(awaitingPaymentView(), PAGE_URL, 'renewal')
    assert.equal(mail.subject, 'Northwind Software: renew your subscription — $49.00 due')
    assert.match(mail.text, /Amount due: \$49.00/)
    assert.match(mail.text, /Pay the renewal:\nhttps:\/\/pay.example.com\/o\/tok_abc/)
  })

  it('makes relative item links absolute against the page', () => {
    const view = completedView({
      delivery: { state: 'delivered', items: [{ productName: 'Manual', kind: 'file_download', url: '/d/tok_dl_9' }] },
    })
    assert.match(
      renderOrderEmail(view, PAGE_URL, 'delivery').text,
      /Download Manual:\nhttps:\/\/pay.example.com\/d\/tok_dl_9\n/,
    )
  })

  it('escapes the html part, keeps values verbatim in the text, and keeps the subject on one line', () => {
    const view = completedView({
      shopName: `Evil\r\nBcc: victim@example.com ${XSS}`,
      delivery: { state: 'delivered', items: [{ productName: XSS, kind: 'license_key', value: XSS }] },
    })
    const mail = renderOrderEmail(view, PAGE_URL, 'delivery')
    assert.doesNotMatch(mail.subject, /[\r\n]/)
    assert.ok(mail.text.includes(`\n${XSS}\n`))
    assert.doesNotMatch(mail.html, /<script/)
    assert.match(mail.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/pre>/)
  })

  it('refuses a page link a mail client could not open', () => {
    assert.throws(() => renderOrderEmail(completedView(), '/o/tok_abc', 'delivery'), /absolute http\(s\) page URL/)
    assert.throws(
      () => renderOrderEmail(completedView(), 'javascript:alert(1)', 'delivery'),
      /absolute http\(s\) page URL/,
    )
  })
})
