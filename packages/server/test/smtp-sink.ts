// A local SMTP server for tests: accepts any login, keeps what it receives, and can be told to
// refuse the next messages with a reply code, so retry paths run against a real SMTP dialogue.
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { PATIENCE_MS } from './processes.ts'

/** `to` and `from` are the envelope (RCPT TO / MAIL FROM), i.e. where the mail really went. */
export type ReceivedMail = {
  to: string[]
  from: string
  subject: string
  text: string
  html: string | null
  messageId: string | null
}

export type SmtpSink = {
  /** smtp://user:pass@127.0.0.1:PORT — any user and password are accepted. */
  url: string
  messages: ReceivedMail[]
  /** Resolves with the first message, received already or later, that matches. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>
  /** Answers the next `count` messages with `code` (451 by default) instead of accepting them. */
  failNext(count: number, code?: number): void
  close(): Promise<void>
}

export async function startSmtpSink(options: { failNext?: number } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = []
  const waiters = new Set<(mail: ReceivedMail) => void>()
  const failure = { remaining: options.failNext ?? 0, code: 451 }

  const server = new SMTPServer({
    // Loopback only, so plain text throughout: no STARTTLS, and AUTH allowed without TLS.
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    authMethods: ['PLAIN', 'LOGIN'],
    // Clients here send one message and QUIT; anything left open should not stall close().
    closeTimeout: 1_000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username })
    },
    onData(stream, session, callback) {
      // The whole message is read even when it is refused: the reply only comes after the data.
      simpleParser(stream).then(
        (parsed) => {
          if (failure.remaining > 0) {
            failure.remaining--
            return callback(Object.assign(new Error('refused by the test sink'), { responseCode: failure.code }))
          }
          const mail: ReceivedMail = {
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html || null,
            messageId: parsed.messageId ?? null,
          }
          messages.push(mail)
          for (const waiter of waiters) waiter(mail)
          callback()
        },
        (error: Error) => callback(error),
      )
    },
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  // Once listening, errors come from single connections (a client hanging up mid-dialogue); the
  // client under test sees and reports those, and unheard they would crash the test process.
  server.on('error', () => {})
  const { port } = server.server.address() as AddressInfo

  return {
    url: `smtp://user:pass@127.0.0.1:${port}`,
    messages,
    waitFor(predicate, timeoutMs = PATIENCE_MS) {
      const seen = messages.find(predicate)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          reject(new Error(`no matching mail within ${timeoutMs} ms (received ${messages.length})`))
        }, timeoutMs)
        const waiter = (mail: ReceivedMail) => {
          if (!predicate(mail)) return
          clearTimeout(timer)
          waiters.delete(waiter)
          resolve(mail)
        }
        waiters.add(waiter)
      })
    },
    failNext(count, code = 451) {
      failure.remaining = count
      failure.code = code
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
