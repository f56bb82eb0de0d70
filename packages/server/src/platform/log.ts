// The one logger: pino, the logger fastify itself uses. `sx serve` hands it to fastify, and the
// parts that run outside a request (the worker, mail without SMTP, the key-usage flush) write
// through it too, so LOG_LEVEL governs every line a process prints.
import { pino, type Logger } from 'pino'

export type { Logger }

// A buyer link (/o/<token>, /dl/<token>) opens the buyer's goods to whoever holds it, so request
// lines carry the route's shape, never the token.
const BUYER_TOKEN = /(\/(?:o|dl)\/)[^/?#]+/g

export function redactBuyerTokens(url: string): string {
  return url.replace(BUYER_TOKEN, '$1[redacted]')
}

type LoggedRequest = { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }

/** What the logger needs of the configuration (config.ts's `log` group). */
export type LogSettings = Readonly<{ level: string }>

export function createLogger(config: LogSettings): Logger {
  return pino({
    level: config.level,
    redact: {
      paths: ['req.headers.authorization', '*.secret', '*.password', '*.signing_secret'],
      censor: '[redacted]',
    },
    serializers: {
      // fastify's own request serializer, with buyer tokens cut out of the URL.
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactBuyerTokens(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  })
}
