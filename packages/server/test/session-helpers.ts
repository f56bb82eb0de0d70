// Signing in to the dashboard's session routes from tests: the cookie and CSRF token a browser would hold.
import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export const OWNER_PASSWORD = 'correct horse battery'

export type Session = { cookie: string; csrf: string; headers: Record<string, string> }

export function signInRequest(app: FastifyInstance, email: string, password = OWNER_PASSWORD, headers = {}) {
  return app.inject({ method: 'POST', url: '/auth/sign-in', payload: { email, password }, headers })
}

/** The session cookie (`sx_session=…`) a sign-in answer sets, and its CSRF token. */
export function sessionOf(response: LightMyRequestResponse): Session {
  assert.equal(response.statusCode, 200, response.body)
  const cookie = String(response.headers['set-cookie']).split(';')[0]!
  const csrf = response.json().csrf_token as string
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } }
}

export async function signIn(app: FastifyInstance, email: string, password = OWNER_PASSWORD): Promise<Session> {
  return sessionOf(await signInRequest(app, email, password))
}

/** A request made with the session, as the dashboard makes it (cookie + CSRF header) unless `headers` says otherwise. */
export function withSession(
  app: FastifyInstance,
  session: Session,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: object,
  headers: Record<string, string> = session.headers,
) {
  return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body }) })
}
