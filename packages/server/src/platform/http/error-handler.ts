// One place turns every failure into RFC 9457 problem+json: AppErrors, validation, framework
// errors, unknown routes, wrong methods and crashes. A 500 logs the error and says nothing of it.
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
// Outside /v1 a browser gets the same status as a small HTML page instead (pages.ts).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseUnavailable } from '../../db/errors.ts'
import { AppError, ERRORS, type ErrorCode, type FieldErrors } from '../errors.ts'
import { sendPage, wantsPage } from './pages.ts'
import { toFieldErrors } from './validation.ts'

/** Renders the HTML page a browser gets for a failed request outside /v1. */
export type ErrorPage = (status: number, traceId: string) => string

export type Problem = {
  type: ErrorCode
  title: string
  status: number
  detail: string
  instance: string
  trace_id: string
  errors?: FieldErrors
}

const SERVER_ERROR_DETAIL = 'Something broke on our side. Quote the trace_id when you contact support.'

const FRAMEWORK_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'payload_too_large',
    detail: 'The request body is larger than this endpoint accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'invalid_request', detail: 'Send the body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', detail: 'Content-Length does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_request',
    detail: 'The body is empty although Content-Type is application/json.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_request', detail: 'The body is not valid JSON.' },
  FST_ERR_BAD_URL: { code: 'invalid_request', detail: 'The URL is malformed.' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'invalid_request', detail: 'A path segment is longer than this API accepts.' },
}

/** Errors the router raises before any route or hook runs (malformed URLs, huge path params). */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(request, reply, toAppError(error))
}

/**
 * Errors Node's HTTP parser raises before a request exists (headers over 16 KiB, a request that
 * took too long, bytes that are not HTTP): written straight to the socket as a problem, then the
 * connection closes, as Node and fastify do (their bodies would be text or fastify's own JSON).
 */
export function handleClientError(
  this: FastifyInstance,
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
): void {
  // Reset by the peer, or already answered (the parser reports again as more bytes arrive).
  if (error.code === 'ECONNRESET' || socket.destroyed || socket.writableEnded) return
  const [code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? (['headers_too_large', 'The request headers are larger than this server accepts (16 KiB in all).'] as const)
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? (['request_timeout', 'The request did not arrive in time.'] as const)
        : (['invalid_request', 'The request is not valid HTTP.'] as const)
  this.log.debug({ err: error, code: error.code }, 'client error')
  writeSocketProblem(socket, code, detail, requestPath(error.rawPacket))
}

/**
 * Answers a connection with a problem written straight to its socket, then closes it: for what
 * happens outside a request's reply (parser errors, a body that stops arriving).
 */
export function writeSocketProblem(
  socket: Socket,
  code: ErrorCode,
  detail: string,
  instance: string,
  traceId = randomUUID().replaceAll('-', ''),
): void {
  // As Node does: an answer already under way on this connection must not be corrupted.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  const { status, title } = ERRORS[code]
  const body = JSON.stringify({ type: code, title, status, detail, instance, trace_id: traceId } satisfies Problem)
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${traceId}\r\nConnection: close\r\n\r\n${body}`,
  )
  // Closing after the answer is flushed, not before, so a client still sending gets to read it.
  socket.once('finish', () => socket.destroy()).once('error', () => socket.destroy())
}

/** The path of the request line when it arrived whole and printable; `/` otherwise. */
function requestPath(raw: unknown): string {
  const line = /^[A-Z]{3,10} (\/[\x21-\x7e]{0,200})[ ?]/.exec(
    Buffer.isBuffer(raw) ? raw.toString('latin1', 0, 256) : '',
  )
  return line?.[1]?.split('?')[0] ?? '/'
}

export function installErrorHandling(
  app: FastifyInstance,
  knownMethods: (path: string) => string[],
  errorPage?: ErrorPage,
): void {
  const answer = (request: FastifyRequest, reply: FastifyReply, error: AppError) => {
    if (!errorPage || !wantsPage(request)) return sendProblem(request, reply, error)
    reply.header('x-request-id', request.id)
    for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value)
    return sendPage(reply, error.status, errorPage(error.status, request.id))
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let problem: AppError
    try {
      problem = toAppError(error)
    } catch (mappingError) {
      // The handler of last resort must not fail: answer a plain 500 rather than fastify's default body.
      request.log.error({ err: mappingError, trace_id: request.id }, 'error mapping failed')
      problem = new AppError('server_error', SERVER_ERROR_DETAIL)
    }
    if (problem.status >= 500) request.log.error({ err: error, trace_id: request.id }, 'request failed')
    return answer(request, reply, problem)
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    const allowed = knownMethods(path)
    if (allowed.length > 0) {
      return answer(
        request,
        reply,
        new AppError('method_not_allowed', `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}.`, {
          headers: { allow: allowed.join(', ') },
        }),
      )
    }
    return answer(request, reply, new AppError('not_found', `No route ${request.method} ${path}.`))
  })
}

function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error
  if (error.validation) {
    const { fields, hasMissing, notAnObject } = toFieldErrors(error.validation as never, error.validationContext)
    if (error.validationContext === 'body' && notAnObject) {
      return new AppError('invalid_request', 'The request body must be a JSON object.', { errors: fields })
    }
    return hasMissing
      ? new AppError('invalid_request', 'Required parameters are missing.', { errors: fields })
      : new AppError('unprocessable', 'Validation failed.', { errors: fields })
  }
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined
  if (known) return new AppError(known.code, known.detail)
  if (error instanceof SyntaxError || (error.statusCode && error.statusCode < 500)) {
    return new AppError('invalid_request', 'The request could not be read.')
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError('unavailable', 'The database is not reachable; retry shortly.', {
      headers: { 'retry-after': '5' },
      cause: error,
    })
  }
  return new AppError('server_error', SERVER_ERROR_DETAIL, { cause: error })
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const problem: Problem = {
    type: error.code,
    title: ERRORS[error.code].title,
    status: error.status,
    detail: error.detail,
    instance: request.url.split('?')[0] ?? '/',
    trace_id: request.id,
    ...(error.options.errors ? { errors: error.options.errors } : {}),
  }
  reply.header('x-request-id', request.id)
  for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value)
  return reply.code(error.status).type('application/problem+json; charset=utf-8').send(problem)
}
