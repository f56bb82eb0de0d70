import assert from 'node:assert/strict'
import net, { type AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { startSmtpSink, type SmtpSink } from '../../../test/smtp-sink.ts'
import { createLogMailer, createSmtpMailer, type Mailer } from './mailer.ts'

const FROM = 'shop@sx.test'

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('createSmtpMailer', () => {
  let sink: SmtpSink
  let mailer: Mailer

  before(async () => {
    sink = await startSmtpSink()
    mailer = createSmtpMailer(sink.url, FROM)
  })
  after(async () => {
    mailer.close()
    await sink.close()
  })

  it('delivers to, subject, text, html and the given Message-ID', async () => {
    const result = await mailer.send({
      to: 'buyer@example.com',
      subject: 'Your order ord_1',
      text: 'Thanks for your order.',
      html: '<p>Thanks for your order.</p>',
      messageId: '<ord_1.receipt@sx.test>',
    })
    assert.deepEqual(result, { ok: true, transport: 'smtp', messageId: '<ord_1.receipt@sx.test>' })
    const mail = await sink.waitFor((m) => m.messageId === '<ord_1.receipt@sx.test>')
    assert.deepEqual(mail, {
      to: ['buyer@example.com'],
      from: FROM,
      subject: 'Your order ord_1',
      text: 'Thanks for your order.',
      html: '<p>Thanks for your order.</p>',
      messageId: '<ord_1.receipt@sx.test>',
    })
  })

  it('generates a Message-ID when none is given and reports the one it sent', async () => {
    const result = await mailer.send({ to: 'buyer@example.com', subject: 'No id', text: 'plain' })
    assert.equal(result.ok, true)
    assert.ok(result.ok && result.messageId.length > 2)
    const mail = await sink.waitFor((m) => m.subject === 'No id')
    assert.equal(mail.messageId, result.ok ? result.messageId : undefined)
    assert.equal(mail.html, null)
  })

  it('answers a 451 with a retryable failure, and the retry under the same id goes through', async () => {
    sink.failNext(1, 451)
    const message = { to: 'buyer@example.com', subject: 'Retry me', text: 'x', messageId: '<retry@sx.test>' }
    const failed = await mailer.send(message)
    assert.equal(failed.ok, false)
    assert.ok(!failed.ok && failed.retryable)
    assert.match(!failed.ok ? failed.reason : '', /^451 /)

    const retried = await mailer.send(message)
    assert.deepEqual(retried, { ok: true, transport: 'smtp', messageId: '<retry@sx.test>' })
    assert.equal(sink.messages.filter((m) => m.messageId === '<retry@sx.test>').length, 1)
  })

  it('answers a 550 with a failure that is not retryable', async () => {
    sink.failNext(1, 550)
    const result = await mailer.send({ to: 'buyer@example.com', subject: 'Rejected', text: 'x' })
    assert.equal(result.ok, false)
    assert.ok(!result.ok && !result.retryable)
    assert.match(!result.ok ? result.reason : '', /^550 /)
    assert.equal(
      sink.messages.some((m) => m.subject === 'Rejected'),
      false,
    )
  })

  it('answers a closed port with a retryable failure that says why', async () => {
    const unreachable = createSmtpMailer(`smtp://user:pass@127.0.0.1:${await closedPort()}`, FROM)
    try {
      const result = await unreachable.send({ to: 'buyer@example.com', subject: 'Nobody home', text: 'x' })
      assert.equal(result.ok, false)
      assert.ok(!result.ok && result.retryable)
      assert.match(!result.ok ? result.reason : '', /ECONNREFUSED/)
    } finally {
      unreachable.close()
    }
  })
})

describe('createLogMailer', () => {
  it('logs recipient, subject and id only (never the body, which holds goods and links) and succeeds', async () => {
    const entries: object[] = []
    const mailer = createLogMailer((entry) => entries.push(entry))
    const message = {
      to: 'buyer@example.com',
      subject: 'Hi',
      text: 'KEY-SECRET http://x/o/tok',
      html: '<p>KEY-SECRET</p>',
      messageId: '<a@sx.test>',
    }
    const result = await mailer.send(message)
    assert.deepEqual(result, { ok: true, transport: 'log', messageId: '<a@sx.test>' })
    assert.deepEqual(entries, [{ to: 'buyer@example.com', subject: 'Hi', mail_id: '<a@sx.test>' }])
  })

  it('makes up a Message-ID when none is given', async () => {
    const result = await createLogMailer(() => {}).send({ to: 'a@example.com', subject: 's', text: 't' })
    assert.ok(result.ok && /^<.+@.+>$/.test(result.messageId))
  })
})
