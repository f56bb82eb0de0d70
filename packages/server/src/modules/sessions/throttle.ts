// Sign-in throttling: every attempt (sign-in, reset request) spends one unit of its client
// address's budget and one of the account's (the email's), both counted by @fastify/rate-limit
// like the API's budgets (shared through Redis when REDIS_URL is set). The address budget stops
// one machine guessing many accounts; the account budget stops many machines guessing one.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import { sha256Hex } from '../../platform/crypto.ts'
import { AppError } from '../../platform/errors.ts'
import { createAddressBudget, overAddressBudget } from '../../platform/http/address-budgets.ts'

type Limiter = (request: FastifyRequest) => Promise<{ ttlInSeconds: number; isExceeded: boolean }>

/** A preHandler for sign-in and reset routes (the account budget only when the body names an `email`): refuses with 429 and Retry-After once over either budget. */
export function createSignInThrottle(app: FastifyInstance, settings: Config['sessions']) {
  const window = settings.signInWindowSeconds
  const perAddress = createAddressBudget(app, 'sign-in', settings.signInPerAddress, window)
  const perAccount = app.createRateLimit({
    max: settings.signInPerAccount,
    timeWindow: window * 1000,
    // Hashed: the counter store (Redis) holds no email addresses.
    keyGenerator: (request) => `acct:sign-in:${sha256Hex(accountOf(request))}`,
  }) as Limiter
  return async function throttleSignIn(request: FastifyRequest): Promise<void> {
    const blocked = perAddress.blockedFor(request)
    if (blocked > 0) throw overAddressBudget('sign-in attempts', blocked)
    const over = await perAddress.spend(request).catch(unavailable)
    if (over > 0) throw overAddressBudget('sign-in attempts', over)
    if (!accountOf(request)) return
    const account = await perAccount(request).catch(unavailable)
    if (account.isExceeded) {
      const seconds = Math.max(1, account.ttlInSeconds)
      throw new AppError('rate_limited', `Too many sign-in attempts for this account; retry in ${seconds} s.`, {
        headers: { 'retry-after': String(seconds) },
      })
    }
  }
}

function accountOf(request: FastifyRequest): string {
  return String((request.body as { email?: unknown } | undefined)?.email ?? '')
    .trim()
    .toLowerCase()
}

function unavailable(error: unknown): never {
  throw new AppError('unavailable', 'Rate limiting is unavailable; try again shortly.', {
    headers: { 'retry-after': '5' },
    cause: error,
  })
}
