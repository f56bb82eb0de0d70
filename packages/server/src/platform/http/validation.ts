// Two Ajv instances: bodies are validated strictly (no type coercion: "100" is not a price), while
// query strings and path params are coerced from text. All errors are collected, then turned into
// the `errors` map of the problem (`items.3: ["must NOT have more than 4096 characters"]`).
import { Ajv, type ErrorObject } from 'ajv'
import addFormatsImport from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import type { FieldErrors } from '../errors.ts'

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv
const MAX_REPORTED_FIELDS = 20

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ coerceTypes, allErrors: true, removeAdditional: false, useDefaults: true, strict: false })
  addFormats(ajv)
  return ajv
}

const strictAjv = makeAjv(false)
const coercingAjv = makeAjv('array')

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>
}

/** Field errors from Ajv's; `hasMissing` tells a missing parameter (400) from a bad value (422). */
export function toFieldErrors(errors: ErrorObject[], part: string | undefined): { fields: FieldErrors; hasMissing: boolean; notAnObject: boolean } {
  // Keys come from the client's body ("constructor", "__proto__"): no prototype to collide with.
  const fields: FieldErrors = Object.create(null)
  let hasMissing = false
  let notAnObject = false
  for (const error of errors) {
    const path = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    let message = error.message ?? 'is invalid'
    if (error.keyword === 'required') {
      hasMissing = true
      path.push(String(error.params.missingProperty))
      message = 'is required'
    } else if (error.keyword === 'additionalProperties') {
      path.push(String(error.params.additionalProperty))
      message = 'unknown field'
    } else if (error.keyword === 'minProperties' && path.length === 0) {
      message = 'send at least one field'
    } else if (error.keyword === 'type' && path.length === 0) {
      notAnObject = true
    } else if (error.keyword === 'enum') {
      message = `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`
    }
    const key = path.join('.') || (part === 'body' ? 'body' : part ?? 'request')
    if (!(key in fields) && Object.keys(fields).length >= MAX_REPORTED_FIELDS) continue
    const list = (fields[key] ??= [])
    if (!list.includes(message)) list.push(message)
  }
  return { fields, hasMissing, notAnObject }
}
