// The signed-in owner: the session the server answers on /auth, and the SDK client that acts with
// its cookie (sent by the browser, same origin) and CSRF token.
import { createClient, type SxClient } from '@sx/sdk'

export type Session = {
  owner: { email: string }
  shop: { id: string; name: string }
  livemode: boolean
  csrf_token: string
}

let current: { session: Session; sx: SxClient } | null = null

/** Before sign-in: no cookie, no token. Retries off, so a 429 is shown at once. */
export const anonymous = createClient({ baseUrl: location.origin, retries: 0 })

export function start(session: Session): void {
  current = { session, sx: createClient({ baseUrl: location.origin, csrfToken: session.csrf_token }) }
}

export function end(): void {
  current = null
}

export const signedIn = (): boolean => current !== null

export function session(): Session {
  if (!current) throw new Error('not signed in')
  return current.session
}

export function sx(): SxClient {
  if (!current) throw new Error('not signed in')
  return current.sx
}
