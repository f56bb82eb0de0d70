// The one error type of the client: every non-2xx answer becomes an SxError carrying the
// problem+json fields (API.md, "Errors"), so callers branch on `error.type`, never on text.
import type { components } from './generated/openapi.ts'

export type Problem = components['schemas']['Problem']
/** The error slugs the server answers with (the `type` of its problem+json bodies). */
export type ProblemType = Problem['type']

/** What a status means when the body is not problem+json (a proxy's HTML page, an empty 502). */
const TYPE_BY_STATUS: Partial<Record<number, ProblemType>> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden_scope',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'unavailable',
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).type === 'string'
}

export class SxError extends Error {
  override readonly name = 'SxError'
  readonly type: ProblemType
  readonly status: number
  readonly title: string
  readonly detail: string
  /** Field path → messages, on 400 and 422 answers. */
  readonly errors: Record<string, string[]> | undefined
  /** Equals the answer's `X-Request-Id`; quote it when reporting a problem. */
  readonly trace_id: string
  readonly instance: string | undefined
  /** Seconds the server asked to wait (429, 503, an in-flight 409), when it said so. */
  readonly retryAfter: number | undefined

  constructor(problem: Problem, retryAfter?: number) {
    super(`${problem.status} ${problem.type}: ${problem.detail}`)
    this.type = problem.type
    this.status = problem.status
    this.title = problem.title
    this.detail = problem.detail
    this.errors = problem.errors
    this.trace_id = problem.trace_id
    this.instance = problem.instance
    this.retryAfter = retryAfter
  }

  /** From a non-2xx answer and its body as openapi-fetch parsed it (JSON when it was, else text). */
  static fromResponse(response: Response, body: unknown): SxError {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'))
    if (isProblem(body)) return new SxError(body, retryAfter)
    const text = typeof body === 'string' ? body.slice(0, 500) : ''
    return new SxError(
      {
        type: TYPE_BY_STATUS[response.status] ?? (response.status >= 500 ? 'server_error' : 'invalid_request'),
        title: response.statusText || `HTTP ${response.status}`,
        status: response.status,
        detail: text || `The server answered ${response.status} without a problem+json body.`,
        instance: new URL(response.url || 'http://invalid/').pathname,
        trace_id: response.headers.get('x-request-id') ?? '',
      },
      retryAfter,
    )
  }
}

/** `Retry-After` as seconds: a whole number of seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000))
}
