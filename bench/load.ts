// The load generator, run as a child process by lib.ts `load()` and `race()`: autocannon in its own
// process keeps its CPU out of the bench process, so process.cpuUsage() there measures the server
// alone. Protocol: one IPC message in (autocannon options, plus `collectAnswers` to get every
// answer's status and body back), one out ({ result, answers? } or { error }).
//
// A body containing `[<id>]` gets a fresh id there on every request. autocannon's own
// idReplacement is not used: it sizes Content-Length for a 33-character id while its hyperid
// writes 24, so the server waits for bytes that never come and no request is ever answered.
import autocannon, { type Options, type Request } from 'autocannon'

/** `ms`: when the answer arrived, since the race began. */
export type Answer = { status: number; body: string; ms: number }

const ID_TAG = '[<id>]'

process.once('message', ({ collectAnswers, ...options }: Options & { collectAnswers?: boolean }) => {
  const answers: Answer[] = []
  // One request entry inheriting method, body and headers from the options.
  const request: Request = {}
  const template = options.body
  if (template?.includes(ID_TAG)) {
    let next = 0
    const run = `${process.pid.toString(36)}${Date.now().toString(36)}`
    request.setupRequest = (req) => ({ ...req, body: template.replaceAll(ID_TAG, `${run}-${(next++).toString(36)}`) })
  }
  const started = performance.now()
  if (collectAnswers)
    request.onResponse = (status, body) => void answers.push({ status, body, ms: performance.now() - started })
  options.requests = [request]
  autocannon(options).then(
    (result) => process.send!({ result, answers: collectAnswers ? answers : undefined }, () => process.exit(0)),
    (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
  )
})
