// `flood_real_key`: what a flood of refused requests costs a real key. A real key reads
// GET /v1/products alone, then beside a flood of unknown (well-formed) bearer keys, then beside a
// flood of buyer-page requests for random tokens (/o/<random>), on a fresh sx on the bench's file
// with the per-key budgets out of reach and every other setting at its default. All traffic comes
// from 127.0.0.1, so the flood and the real key share one address: the harder case for per-address
// budgets. The real key's answers must all be 2xx (load() throws otherwise); the flood's are counted.
import { randomBytes } from 'node:crypto'
import { startSxReplica, type Run } from './lib/boot.ts'
import { flood, load, round, warmUp, type FloodFigures } from './lib/drive.ts'

const LIST_PATH = '/v1/products?limit=25'
const REAL_CONNECTIONS = 10
const FLOOD_CONNECTIONS = 100
/** Each phase is at most this long, whatever BENCH_SECONDS says: three phases share 2 cores with other work. */
const MAX_PHASE_SECONDS = 10

const base62 = (length: number) => {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  return [...randomBytes(length)].map((byte) => alphabet[byte % 62]).join('')
}

export const FLOOD_REAL_KEY: Run = {
  name: 'flood_real_key',
  what:
    `a real key's GET ${LIST_PATH} (${REAL_CONNECTIONS} connections) alone, then beside ${FLOOD_CONNECTIONS} connections of ` +
    'unknown bearer keys, then of /o/<random token>, all from 127.0.0.1 (default per-address budgets)',
  run: async ({ sx, seconds, auth }) => {
    const phase = Math.min(seconds, MAX_PHASE_SECONDS)
    const replica = await startSxReplica(sx, {})
    try {
      const real = replica.url + LIST_PATH
      await warmUp(real, auth)
      const alone = await load(real, phase, auth, REAL_CONNECTIONS)
      // Well-formed (so the format check alone cannot refuse them) and unknown: each would cost a key lookup.
      const badKey = { authorization: `Bearer sx_test_${base62(32)}` }
      const [withBadKeys, badKeys] = await Promise.all([
        load(real, phase, auth, REAL_CONNECTIONS),
        flood(real, phase, badKey, FLOOD_CONNECTIONS),
      ])
      const [withPages, pages] = await Promise.all([
        load(real, phase, auth, REAL_CONNECTIONS),
        flood(`${replica.url}/o/${base62(32)}`, phase, {}, FLOOD_CONNECTIONS),
      ])
      const statuses = (figures: FloodFigures) =>
        Object.entries(figures.statuses)
          .map(([status, count]) => `${count} × ${status}`)
          .join(', ') || 'none'
      return {
        phase_seconds: phase,
        alone_req_per_s: alone.req_per_s,
        alone_p99_ms: alone.p99_ms,
        bad_keys_real_req_per_s: withBadKeys.req_per_s,
        bad_keys_real_p99_ms: withBadKeys.p99_ms,
        bad_keys_ratio: round(withBadKeys.req_per_s / alone.req_per_s, 3),
        bad_keys_flood_req_per_s: badKeys.req_per_s,
        bad_keys_flood_answers: statuses(badKeys),
        bad_keys_flood_errors: badKeys.errors,
        pages_real_req_per_s: withPages.req_per_s,
        pages_real_p99_ms: withPages.p99_ms,
        pages_ratio: round(withPages.req_per_s / alone.req_per_s, 3),
        pages_flood_req_per_s: pages.req_per_s,
        pages_flood_answers: statuses(pages),
        pages_flood_errors: pages.errors,
      }
    } finally {
      await replica.close()
    }
  },
}
