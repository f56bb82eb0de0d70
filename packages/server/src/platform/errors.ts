// The one error catalogue. A throw site names a code; the HTTP status and title come from here.

export const ERRORS = {
  invalid_request: { status: 400, title: 'Invalid request' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  forbidden_scope: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  request_timeout: { status: 408, title: 'Request timeout' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unprocessable: { status: 422, title: 'Unprocessable' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  server_error: { status: 500, title: 'Server error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const

export type ErrorCode = keyof typeof ERRORS

/** Field path (dot separated, `items.3`) → messages. */
export type FieldErrors = Record<string, string[]>

export class AppError extends Error {
  readonly status: number
  readonly title: string

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly options: {
      errors?: FieldErrors
      /** Response headers the problem needs (Retry-After, Allow, WWW-Authenticate). */
      headers?: Record<string, string>
      cause?: unknown
    } = {},
  ) {
    super(detail, { cause: options.cause })
    this.status = ERRORS[code].status
    this.title = ERRORS[code].title
  }
}

/** A 422 naming the fields at fault. */
export function invalidFields(errors: FieldErrors, detail = 'Validation failed.'): AppError {
  return new AppError('unprocessable', detail, { errors })
}

export function notFound(what: string, id: string): AppError {
  return new AppError('not_found', `No ${what} ${id} in this shop.`)
}
