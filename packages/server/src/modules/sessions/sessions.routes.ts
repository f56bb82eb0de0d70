// The dashboard's sign-in routes, outside /v1 (everything else the dashboard does goes through /v1
// with the session cookie). Every write here must come from our Origin (checked before the body is
// read, so a cross-site form is refused with 403 rather than 415); writes made with a session also
// carry its CSRF token.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { sha256Hex } from '../../platform/crypto.ts'
import { unauthenticated } from '../../platform/http/auth.ts'
import { withProblems } from '../../platform/http/schemas.ts'
import {
  assertOurOrigin,
  assertSameSiteWrite,
  csrfTokenFor,
  isSessionToken,
  readCookie,
  SESSION_COOKIE,
} from '../../platform/http/session-auth.ts'
import {
  ChangePasswordBodySchema,
  DoneSchema,
  ModeBodySchema,
  ResetConfirmBodySchema,
  ResetRequestBodySchema,
  SessionSchema,
  SignInBodySchema,
} from './sessions.schemas.ts'
import {
  changePassword,
  confirmPasswordReset,
  describeSession,
  findSession,
  requestPasswordReset,
  signIn,
  signOut,
  switchMode,
} from './sessions.service.ts'
import { createSignInThrottle } from './throttle.ts'

const tags = ['Dashboard sign-in']

export const sessionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { services } = app
  const { publicUrl } = services.config.http
  const throttle = createSignInThrottle(app, services.config.sessions)
  // Lax, not Strict: a link from a mail into the dashboard then arrives signed in; writes are
  // guarded by the CSRF token and Origin anyway. Secure whenever the public address is https.
  const secure = publicUrl.startsWith('https:') ? '; Secure' : ''
  const setCookie = (reply: FastifyReply, value: string, maxAgeSeconds: number) =>
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`,
    )

  app.addHook('onRequest', async (request) => {
    if (request.method === 'POST') assertOurOrigin(request, publicUrl)
  })

  /** The caller's live session (401 otherwise); a write must pass the CSRF and Origin checks. */
  async function currentSession(request: FastifyRequest) {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE)
    const row = token && isSessionToken(token) ? await findSession(services, sha256Hex(token)) : undefined
    if (!token || !row) throw unauthenticated('Not signed in, or the session has expired; sign in again.')
    assertSameSiteWrite(request, token, publicUrl)
    return { row, csrf: csrfTokenFor(token) }
  }

  app.post(
    '/auth/sign-in',
    {
      preHandler: throttle,
      schema: {
        operationId: 'signIn',
        tags,
        summary: 'Sign in as the shop owner',
        description:
          "Checks the owner's email and password and sets the HttpOnly `sx_session` cookie. The session starts in test mode. Attempts are limited per client address and per account (429 with Retry-After).",
        body: SignInBodySchema,
        response: withProblems({ 200: SessionSchema }),
      },
    },
    async (request, reply) => {
      const { token, row } = await signIn(services, request.body)
      setCookie(reply, token, Math.floor(services.config.sessions.absoluteMs / 1000))
      return describeSession(services, row, csrfTokenFor(token))
    },
  )

  app.get(
    '/auth/session',
    {
      schema: {
        operationId: 'getSession',
        tags,
        summary: 'The signed-in owner, shop, mode and CSRF token',
        response: withProblems({ 200: SessionSchema }),
      },
    },
    async (request) => {
      const { row, csrf } = await currentSession(request)
      return describeSession(services, row, csrf)
    },
  )

  app.post(
    '/auth/sign-out',
    {
      schema: {
        operationId: 'signOut',
        tags,
        summary: 'Sign out',
        description: 'Revokes the session at once, on every instance, and clears the cookie.',
        response: withProblems({ 200: DoneSchema }),
      },
    },
    async (request, reply) => {
      const { row } = await currentSession(request)
      await signOut(services, row)
      setCookie(reply, '', 0)
      return { ok: true as const }
    },
  )

  app.post(
    '/auth/mode',
    {
      schema: {
        operationId: 'switchMode',
        tags,
        summary: 'Switch the session between test and live mode',
        description:
          'A session attribute, not a header: every /v1 request of the session then acts in this mode, so the SDK needs no per-call setting and no request can pick a mode the merchant did not switch to.',
        body: ModeBodySchema,
        response: withProblems({ 200: SessionSchema }),
      },
    },
    async (request) => {
      const { row, csrf } = await currentSession(request)
      return describeSession(services, await switchMode(services, row, request.body.livemode), csrf)
    },
  )

  app.post(
    '/auth/password',
    {
      // Guessing the current password with a stolen session costs the address's sign-in budget.
      preHandler: throttle,
      schema: {
        operationId: 'changePassword',
        tags,
        summary: 'Change the password',
        description:
          "Needs the current password (422 otherwise). The owner's other sessions are signed out; this one stays.",
        body: ChangePasswordBodySchema,
        response: withProblems({ 200: DoneSchema }),
      },
    },
    async (request) => {
      const { row } = await currentSession(request)
      await changePassword(services, row, request.body)
      return { ok: true as const }
    },
  )

  app.post(
    '/auth/password-reset',
    {
      preHandler: throttle,
      config: { successStatus: 202 },
      schema: {
        operationId: 'requestPasswordReset',
        tags,
        summary: 'Mail a password-reset link',
        description:
          "Answers 202 whether or not the email is an owner's. An owner gets a single-use link, valid for PASSWORD_RESET_TTL_MINUTES.",
        body: ResetRequestBodySchema,
        response: withProblems({ 202: DoneSchema }),
      },
    },
    async (request) => {
      await requestPasswordReset(services, request.body.email)
      return { ok: true as const }
    },
  )

  app.post(
    '/auth/password-reset/confirm',
    {
      preHandler: throttle,
      schema: {
        operationId: 'confirmPasswordReset',
        tags,
        summary: "Set a new password with a reset link's token",
        description: 'Spends the token (422 when unknown, used or expired) and signs the owner out everywhere.',
        body: ResetConfirmBodySchema,
        response: withProblems({ 200: DoneSchema }),
      },
    },
    async (request) => {
      await confirmPasswordReset(services, request.body)
      return { ok: true as const }
    },
  )
}
