// HTML form posts (`application/x-www-form-urlencoded`) for the buyer pages' forms, which work
// without JavaScript. Registered on the buyer pages' scope only: /v1 takes JSON alone. Every field
// reads as a list of values (a form repeats `product` and `qty` for each line); the body is small.
import type { FastifyInstance } from 'fastify'

export type FormBody = Record<string, string[]>

const FORM_BODY_LIMIT = 32 * 1024

export function registerFormBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      // Keys come from the client: no prototype to collide with.
      const form: FormBody = Object.create(null)
      for (const [key, value] of new URLSearchParams(body as string)) (form[key] ??= []).push(value)
      done(null, form)
    },
  )
}

/** The field's first value, trimmed ('' when absent). */
export function formValue(form: FormBody, name: string): string {
  return (form[name]?.[0] ?? '').trim()
}
