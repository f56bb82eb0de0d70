// The JSON body parser: fastify's own (secure-json-parse, refusing __proto__ and constructor
// poisoning), with two decisions of ours around it. An empty body reads as no body at all, so
// that actions whose fields are all optional take `-d ''` like no body (the validator turns it
// into `{}`; routes that need fields still answer 400). And the body is read as UTF-8, the only
// charset JSON has (RFC 8259 §8.1): a Content-Type naming another is a 415, not mojibake.
import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors.ts'

const UTF8 = /^"?utf-?8"?$/i

export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type'])
    if (charset !== null && !UTF8.test(charset)) {
      done(
        new AppError('unsupported_media_type', `Send JSON as UTF-8; charset=${charset.slice(0, 40)} is not read.`),
        undefined,
      )
      return
    }
    if (body.length === 0) {
      done(null, undefined)
      return
    }
    parseJson(request, body as string, done)
  })
}

/** The charset parameter of a Content-Type header (unquoted as written), or null without one. */
export function charsetOf(contentType: string | undefined): string | null {
  if (!contentType) return null
  for (const parameter of contentType.split(';').slice(1)) {
    const [name, ...value] = parameter.split('=')
    if (name?.trim().toLowerCase() === 'charset') return value.join('=').trim()
  }
  return null
}
