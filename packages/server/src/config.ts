// The only reader of the environment. Everything else receives a frozen Config.
import { resolve } from 'node:path'

export type Config = Readonly<{
  http: Readonly<{
    host: string
    port: number
    /** Default request body limit in bytes (1 MiB). */
    bodyLimitBytes: number
    /** Body limit of the stock import route (16 MiB). */
    importBodyLimitBytes: number
    publicUrl: string
  }>
  db: Readonly<{ url: string }>
  dataDir: string
  redis: Readonly<{ url: string | null; keyPrefix: string }>
  rateLimit: Readonly<{ readsPerWindow: number; writesPerWindow: number; windowSeconds: number }>
  keys: Readonly<{ lastUsedFlushMs: number }>
  /** Entries of the in-process cache of hot GET answers (0 turns it off). */
  readCacheEntries: number
  log: Readonly<{ level: string }>
  /** Seed a demo shop when `sx serve` starts on an empty database. */
  demoSeed: boolean
}>

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}

type Env = Record<string, string | undefined>

/**
 * Reads and validates every setting at once, reporting all problems together.
 * @example loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' })
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`)
      return fallback
    }
    return value
  }
  const str = (name: string, fallback: string) => (env[name] === undefined || env[name] === '' ? fallback : env[name]!)

  // Relative paths are taken from where the command was typed (npm runs scripts in the package folder).
  const baseDir = env.INIT_CWD || process.cwd()
  const dataDir = resolve(baseDir, str('SX_DATA_DIR', './data'))
  let dbUrl = str('DATABASE_URL', `sqlite:${dataDir}/sx.db`)
  if (dbUrl.startsWith('sqlite:') && !['sqlite::memory:', 'sqlite:'].includes(dbUrl)) dbUrl = `sqlite:${resolve(baseDir, dbUrl.slice(7))}`
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(dbUrl)) problems.push('DATABASE_URL must start with sqlite: or postgres://')
  const redisUrl = env.REDIS_URL || null
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must start with redis:// or rediss://')
  const logLevel = str('LOG_LEVEL', 'info')
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`)
  }
  const host = str('HOST', '127.0.0.1')
  const port = int('PORT', 3000, 0, 65535)

  const config: Config = {
    http: {
      host,
      port,
      bodyLimitBytes: int('BODY_LIMIT_BYTES', 1024 * 1024, 1024),
      importBodyLimitBytes: int('IMPORT_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024),
      publicUrl: str('PUBLIC_URL', `http://${host}:${port}`).replace(/\/+$/, ''),
    },
    db: { url: dbUrl },
    dataDir,
    redis: { url: redisUrl, keyPrefix: str('REDIS_KEY_PREFIX', 'sx:') },
    rateLimit: {
      readsPerWindow: int('RATE_LIMIT_READS', 600, 1),
      writesPerWindow: int('RATE_LIMIT_WRITES', 120, 1),
      windowSeconds: int('RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    },
    keys: { lastUsedFlushMs: int('KEY_LAST_USED_FLUSH_MS', 10_000, 10) },
    readCacheEntries: int('READ_CACHE_ENTRIES', 2000, 0),
    log: { level: logLevel },
    demoSeed: str('SX_DEMO_SEED', 'true') !== 'false',
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return deepFreeze(config)
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
