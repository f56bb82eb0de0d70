// An in-process read cache that is never stale: each entry remembers the version of the data it
// was computed from, and a reader passes the version it just read from the database. A write
// anywhere (any instance) bumps the version in its own transaction, so the next read misses.

export type VersionedCache = {
  /** False when made with no room (READ_CACHE_ENTRIES=0): callers then skip reading versions at all. */
  readonly enabled: boolean
  get<T>(key: string, version: number): T | undefined
  set(key: string, version: number, value: unknown): void
}

/** Bounded by entry count; the least recently used entry goes first. Values must not be mutated. */
export function createVersionedCache(maxEntries: number): VersionedCache {
  const entries = new Map<string, { version: number; value: unknown }>()
  return {
    enabled: maxEntries > 0,
    get<T>(key: string, version: number) {
      const entry = entries.get(key)
      if (!entry || entry.version !== version) return undefined
      entries.delete(key)
      entries.set(key, entry)
      return entry.value as T
    },
    set(key, version, value) {
      entries.delete(key)
      entries.set(key, { version, value })
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
    },
  }
}
