// Two Ajv instances: bodies are validated strictly (no type coercion: "100" is not a price), while
// query strings and path params are coerced from text. All errors are collected, then turned into
// the `errors` map of the problem (`items.3: ["must NOT have more than 4096 characters"]`).
// Every validator also refuses text that no field may hold (see `controlCharacterErrors`), so a
// NUL byte never reaches SQL (PostgreSQL refuses it in text; SQLite would store it).
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

type AjvValidate = ReturnType<Ajv['compile']>
type Validated = ((
  data: unknown,
  context?: { parentData?: Record<string, unknown>; parentDataProperty?: string },
) => boolean | { value: unknown }) & {
  errors?: ErrorObject[] | null
  schemaEnv?: unknown
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv
  const validate = ajv.compile(schema as object)
  // An action whose body fields are all optional takes no body at all as `{}` (no body, or an
  // empty one: see the JSON parser in app.ts). Decided once, from the schema itself.
  const emptyBodyAllowed = httpPart === 'body' && validate({})
  const validated: Validated = (data, context) => {
    if (emptyBodyAllowed && isAbsentBody(data, context)) {
      validated.errors = null
      return { value: {} }
    }
    const valid = validate(data, context as never) as boolean
    const refused = controlCharacterErrors(data)
    validated.errors = refused.length === 0 ? validate.errors : [...(validate.errors ?? []), ...refused]
    return valid && refused.length === 0
  }
  // Fastify hands Ajv validators (recognised by `schemaEnv`) the request as parent, so that a
  // coerced root value can be written back; keep that.
  validated.schemaEnv = (validate as AjvValidate & { schemaEnv?: unknown }).schemaEnv
  return validated as unknown as ReturnType<FastifySchemaCompiler<unknown>>
}

/** No body was sent (fastify passes `null` for it; JSON `null` itself is still refused). */
function isAbsentBody(data: unknown, context: Parameters<Validated>[1]): boolean {
  if (data !== null) return false
  const parent = context?.parentData
  return !parent || parent[context?.parentDataProperty ?? 'body'] === undefined
}

// Characters no text field has a use for, refused wherever they appear (bodies, query strings,
// path params, object keys): C0 controls except tab, line feed and carriage return; DEL; C1
// controls (U+0080–U+009F, usually mis-decoded bytes); and unpaired UTF-16 surrogates, which
// cannot be stored as UTF-8 and would silently become U+FFFD. Everything else that Unicode
// assigns or reserves (including noncharacters like U+FFFE, zero-width and bidi marks) is text.
const REFUSED =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Ajv-shaped errors for every string (and key) holding a refused character, at its JSON pointer. */
export function controlCharacterErrors(data: unknown): ErrorObject[] {
  const errors: ErrorObject[] = []
  const visit = (value: unknown, path: string) => {
    if (errors.length >= MAX_REPORTED_FIELDS) return
    if (typeof value === 'string') {
      const found = REFUSED.exec(value)
      if (found) errors.push(refusal(path, found[0]))
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], `${path}/${i}`)
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const child = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
        const found = REFUSED.exec(key)
        if (found) errors.push(refusal(child, found[0], true))
        visit(inner, child)
      }
    }
  }
  visit(data, '')
  return errors
}

function refusal(instancePath: string, char: string, inKey = false): ErrorObject {
  const code = `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
  const subject = inKey ? 'its name must' : 'must'
  const message =
    char >= '\uD800' && char <= '\uDFFF'
      ? `${subject} be valid Unicode (unpaired surrogate ${code})`
      : `${subject} not contain control characters (found ${code})`
  return { keyword: 'controlCharacter', instancePath, schemaPath: '#', params: { char: code }, message }
}

/** Field errors from Ajv's; `hasMissing` tells a missing parameter (400) from a bad value (422). */
export function toFieldErrors(
  errors: ErrorObject[],
  part: string | undefined,
): { fields: FieldErrors; hasMissing: boolean; notAnObject: boolean } {
  // Keys come from the client's body ("constructor", "__proto__"): no prototype to collide with.
  const fields: FieldErrors = Object.create(null)
  let hasMissing = false
  let notAnObject = false
  for (const error of errors) {
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
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
    const key = path.join('.') || (part === 'body' ? 'body' : (part ?? 'request'))
    if (!(key in fields) && Object.keys(fields).length >= MAX_REPORTED_FIELDS) continue
    const list = (fields[key] ??= [])
    if (!list.includes(message)) list.push(message)
  }
  return { fields, hasMissing, notAnObject }
}

/** Checks a body built by a handler (a form turned into an API body) as the route's validator would: its field errors, or null. */
export function bodyErrors(schema: object, body: unknown): FieldErrors | null {
  const validate = validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '' }) as unknown as Validated
  if (validate(body) === true) return null
  return toFieldErrors(validate.errors ?? [], 'body').fields
}
