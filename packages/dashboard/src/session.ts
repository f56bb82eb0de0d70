// The signed-in owner: the session the server answers on /auth, and the SDK client that acts with
// its cookie (sent by the browser, same origin) and CSRF token. A 401 to that client means the
// session is over (signed out in another tab, idle, past its lifetime): `whenEnded` says what then.
import { createClient, type SxClient } from '@sx/sdk'

export type Session = {
  owner: { email: string }
  shop: { id: string; name: string }
  livemode: boolean
  csrf_token: string
}

let current: { session: Session; sx: SxClient } | null = null
let onEnded = () => {}

/** Before sign-in: no cookie, no token. Retries off, so a 429 is shown at once. */
export const anonymous = createClient({ baseUrl: location.origin, retries: 0 })

export function start(session: Session): void {
  const sx = createClient({
    baseUrl: location.origin,
    csrfToken: session.csrf_token,
    fetch: async (request) => {
      const response = await fetch(request)
      // Only while this is still the session: a late answer to an ended one changes nothing.
      if (response.status === 401 && current?.sx === sx) onEnded()
      return response
    },
  })
  current = { session, sx }
}

/** Called when the server answers 401 to the signed-in client (the caller still gets its error). */
export function whenEnded(handler: () => void): void {
  onEnded = handler
}

/**
 * PUBLIC_URL's dashboard when this page was opened at another origin (the server names PUBLIC_URL
 * in the shell), else null: the server accepts signed-in writes from PUBLIC_URL's origin only.
 */
export function dashboardElsewhere(): string | null {
  const publicUrl = document.querySelector<HTMLMetaElement>('meta[name="sx-public-url"]')?.content
  if (!publicUrl || new URL(publicUrl).origin === location.origin) return null
  return `${publicUrl}/dashboard`
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

/** After Settings renamed the shop: the session's copy, the header (shell.ts) and the title follow. */
export function renameShop(name: string): void {
  if (!current) throw new Error('not signed in')
  current.session = { ...current.session, shop: { ...current.session.shop, name } }
  const header = document.getElementById('shell-shop-name')
  if (header) header.textContent = name
  document.title = `${name} · sx`
}
