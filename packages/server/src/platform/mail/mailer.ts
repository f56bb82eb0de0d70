// Outgoing mail behind one port: SMTP when the operator configured a server, a log line (no body) otherwise.
// A send never throws for a failure the caller should plan for; it says whether trying again can help.
import { randomUUID } from 'node:crypto'
import nodemailer, { type NodemailerError } from 'nodemailer'

export type MailMessage = { to: string; subject: string; text: string; html?: string; messageId?: string }

export type SendResult =
  { ok: true; transport: 'smtp' | 'log'; messageId: string } | { ok: false; retryable: boolean; reason: string }

export interface Mailer {
  send(message: MailMessage): Promise<SendResult>
  close(): void
}

// Long enough for a slow relay, short enough that a dead one does not hold a job for minutes
// (nodemailer waits up to 2 min for a connection and 10 min on an idle socket by default).
const TIMEOUT_MS = 10_000

// Failures of the connection itself; the next attempt may find the server up again.
const CONNECTION_ERROR_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'])

/**
 * `url` is smtp:// or smtps:// with user:pass in it, e.g. `smtps://user:pass@mail.example.com:465`;
 * `connections` is how many SMTP connections it keeps open at most (SMTP_CONNECTIONS).
 */
export function createSmtpMailer(url: string, from: string, connections = 1): Mailer {
  // Pooled: a connection (TLS, greeting, login) per message cannot keep up with a busy shop's
  // orders (each sends mail). An idle pooled connection closes after the socket timeout; one the
  // server dropped fails its send as a connection error, which the mail job retries.
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: connections,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  })
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          // A retry reuses the caller's id, so a receiver that got the first attempt after all
          // (a timeout after DATA) can tell the copies apart.
          messageId: message.messageId,
        })
        return { ok: true, transport: 'smtp', messageId: info.messageId }
      } catch (error) {
        return sendFailure(error as NodemailerError)
      }
    },
    close() {
      transport.close()
    },
  }
}

/**
 * For installs without SMTP: the message is only logged, by recipient, subject and id. Its body
 * carries the buyer's goods and links, so it stays in the `mails` row, never in the process output.
 */
export function createLogMailer(log: (entry: { to: string; subject: string; mail_id: string }) => void): Mailer {
  return {
    async send(message) {
      const messageId = message.messageId ?? `<${randomUUID()}@sx.log>`
      log({ to: message.to, subject: message.subject, mail_id: messageId })
      return { ok: true, transport: 'log', messageId }
    },
    close() {},
  }
}

// A reply code decides when the server sent one: 4xx is "later", 5xx is "never". nodemailer's
// `permanent` is that rule with RFC 5321's one exception, 503 (wrong command order), which a
// fresh connection fixes. Without a reply, only a broken connection is worth another try;
// missing credentials, bad addresses and the like would fail the same way again.
function sendFailure(error: NodemailerError): SendResult {
  if (typeof error.responseCode === 'number') {
    const permanent = error.permanent ?? error.responseCode >= 500
    return { ok: false, retryable: !permanent, reason: error.response ?? error.message }
  }
  const reason = error.code ? `${error.code}: ${error.message}` : error.message
  return { ok: false, retryable: CONNECTION_ERROR_CODES.has(error.code ?? ''), reason }
}
