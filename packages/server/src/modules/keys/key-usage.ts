// `last_used_at` without a database write per request: uses are buffered in memory and written
// in one pass every flush interval (and at shutdown). Readers call flush() first to see their own.
import type { Db } from '../../db/database.ts'

export type KeyUsage = {
  touch(keyId: string, at: number): void
  flush(): Promise<void>
  stop(): Promise<void>
}

export function createKeyUsage(db: Db, flushEveryMs: number, onError: (error: unknown) => void): KeyUsage {
  let pending = new Map<string, number>()
  const flush = async () => {
    if (pending.size === 0) return
    const batch = pending
    pending = new Map()
    for (const [keyId, at] of batch) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', keyId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute()
    }
  }
  const timer = setInterval(() => flush().catch(onError), flushEveryMs)
  timer.unref()
  return {
    touch: (keyId, at) => void pending.set(keyId, at),
    flush,
    stop: async () => {
      clearInterval(timer)
      await flush()
    },
  }
}
