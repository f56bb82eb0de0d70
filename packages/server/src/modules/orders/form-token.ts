// The checkout form's token: the shop and the time the form was served, signed with a key derived
// from the server's secret. Public forms have no session to bind a CSRF token to; this one proves
// the form came from this server for this shop, and how long the buyer took to fill it: a form
// sent back within the minimum fill time is a bot's, an old one has expired (the page is reloaded).
import type { SecretBox } from '../../platform/secret-box.ts'
import { timingSafeEqual } from 'node:crypto'

export type TokenCheck = 'ok' | 'invalid' | 'too_fast' | 'expired'

export function issueFormToken(box: SecretBox, shopId: string, now: number): string {
  return `${now}.${sign(box, shopId, now)}`
}

export function checkFormToken(
  box: SecretBox,
  token: string,
  shopId: string,
  now: number,
  limits: { minFillMs: number; maxAgeSeconds: number },
): TokenCheck {
  const [issuedText = '', signature = ''] = token.split('.')
  const issued = Number(issuedText)
  if (!/^\d{1,15}$/.test(issuedText) || !Number.isSafeInteger(issued)) return 'invalid'
  const expected = Buffer.from(sign(box, shopId, issued))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid'
  if (now - issued < limits.minFillMs) return 'too_fast'
  if (now - issued > limits.maxAgeSeconds * 1000) return 'expired'
  return 'ok'
}

function sign(box: SecretBox, shopId: string, issued: number): string {
  return box.digest(`checkout-form:${shopId}:${issued}`)
}
