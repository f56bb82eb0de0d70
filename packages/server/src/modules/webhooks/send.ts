// One signed POST of one event to one endpoint, with the URL policy of its mode. Used by the
// dispatcher (scheduled attempts), manual retries and test pings alike, so all three send the
// same way and are logged the same way.
import type { Services } from '../../services.ts'
import { modePolicy } from '../../platform/outbound/address-policy.ts'
import { signedHeaders } from '../../platform/signing.ts'
import { EXCERPT_CHARS, type EndpointRow } from './webhooks.mappers.ts'

/** What this file's functions use of the services (callers pass the whole `Services`). */
type Deps = Pick<Services, 'config' | 'clock' | 'secretBox' | 'outbound'>

/** Bytes of an answer read at most; only its status decides, the rest is kept for the log. */
const MAX_RESPONSE_BYTES = 65_536

export type SendTarget = { url: string; livemode: boolean; secrets: readonly string[] }
export type OutgoingEvent = { id: string; type: string; body: string }
export type SendResult = {
  ok: boolean
  status: number | null
  error: string | null
  excerpt: string | null
  durationMs: number
}

/** The secrets that sign right now: the current one, and the previous one during its overlap. */
export function signingSecrets(services: Deps, row: EndpointRow, now: number): string[] {
  const secrets = [services.secretBox.open(row.secret_sealed)]
  if (row.previous_secret_sealed !== null && Number(row.previous_secret_expires_at) > now)
    secrets.push(services.secretBox.open(row.previous_secret_sealed))
  return secrets
}

export async function sendEvent(services: Deps, target: SendTarget, event: OutgoingEvent): Promise<SendResult> {
  const headers = {
    ...signedHeaders({
      secrets: target.secrets,
      id: event.id,
      timestamp: Math.floor(services.clock.now() / 1000),
      body: event.body,
      eventType: event.type,
    }),
    'content-type': 'application/json',
  }
  const result = await services.outbound.post({
    url: target.url,
    headers,
    body: event.body,
    timeoutMs: services.config.webhooks.timeoutMs,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    policy: modePolicy(target.livemode, services.config.allowPrivateUrls),
  })
  const ok = result.status !== null && result.status >= 200 && result.status < 300
  return {
    ok,
    status: result.status,
    error: result.error ?? (ok ? null : `HTTP ${result.status}`),
    excerpt: result.status === null ? null : result.body.toString('utf8').slice(0, EXCERPT_CHARS),
    durationMs: Math.round(result.durationMs),
  }
}
