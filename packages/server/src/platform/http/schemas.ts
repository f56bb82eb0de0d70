// Shared schemas: the problem body and the list envelope, referenced by every route's responses.
import { Type, type TSchema } from 'typebox'
import { ERRORS } from '../errors.ts'

export const ProblemSchema = Type.Object(
  {
    type: Type.Unsafe<string>({
      type: 'string',
      enum: Object.keys(ERRORS),
      description: 'The error slug; branch on it.',
    }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    trace_id: Type.String({ description: 'Equals the X-Request-Id response header.' }),
    errors: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Field path → messages.' }),
    ),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details.' },
)

const problemRef = Type.Unsafe({ $ref: 'Problem#' })

/** On objects whose create (or rotate) answer carries a secret shown once: marks an idempotent replay, which leaves it out. */
export const SecretOmittedSchema = Type.Optional(
  Type.Literal(true, {
    description:
      'Present only on an idempotent replay (`Idempotent-Replayed: true`): the secret was shown once, in the first answer, and is not stored, so the replay leaves it out.',
  }),
)

const AUTHENTICATED_ERRORS = [400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503] as const

/** Response schemas for a /v1 route: its successes plus every problem it can answer. */
export function withProblems<R extends Record<number, TSchema>>(success: R): R & Record<number, TSchema> {
  const problems = Object.fromEntries(AUTHENTICATED_ERRORS.map((status) => [status, problemResponse(status)]))
  const described = Object.fromEntries(
    Object.entries(success).map(([status, schema]) => [
      status,
      (schema as { description?: string }).description
        ? schema
        : { ...schema, description: status === '201' ? 'Created' : 'OK' },
    ]),
  )
  return { ...problems, ...described } as R & Record<number, TSchema>
}

/** A problem response as OpenAPI shows it: `application/problem+json` with the shared schema. */
export function problemResponse(status: number): TSchema {
  return {
    description: ERRORS_BY_STATUS[status],
    content: { 'application/problem+json': { schema: problemRef } },
  } as unknown as TSchema
}

const ERRORS_BY_STATUS: Record<number, string> = Object.fromEntries(
  Object.entries(ERRORS).map(([code, { status, title }]) => [status, `${title} (\`${code}\`)`]),
)

export function ListSchema<T extends TSchema>(item: T) {
  return Type.Object({
    object: Type.Literal('list'),
    has_more: Type.Boolean(),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
    data: Type.Array(item),
  })
}

/** A string enum rendered as `{type: string, enum}` (clearer validation messages and OpenAPI than anyOf). */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

export const IdParamsSchema = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false })
