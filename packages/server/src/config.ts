// The only reader of the environment. Everything else receives a frozen Config.
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { loadLiveConfig, type LiveConfig } from './config-live.ts'

export type Config = Readonly<{
  http: Readonly<{
    host: string
    port: number
    /** Default request body limit in bytes (1 MiB). */
    bodyLimitBytes: number
    /** Body limit of the stock import route (16 MiB). */
    importBodyLimitBytes: number
    publicUrl: string
    /** Headers and body of a request must arrive within this (slow clients are cut off). */
    requestTimeoutMs: number
    /** The same for the routes that take large bodies (stock import, file upload). */
    uploadTimeoutMs: number
    /** Open connections this process accepts; more are dropped at once. */
    maxConnections: number
    /** fastify's trustProxy: whose X-Forwarded-For names the client (per-address budgets key on it). */
    trustProxy: boolean | string[]
  }>
  db: Readonly<{ url: string }>
  dataDir: string
  redis: Readonly<{ url: string | null; keyPrefix: string }>
  rateLimit: Readonly<{
    readsPerWindow: number
    writesPerWindow: number
    windowSeconds: number
    /** Per client address: /v1 requests without a valid key (none, malformed, unknown, revoked). */
    anonymousPerWindow: number
    /** Per client address: buyer page requests (/o/…, /dl/…). */
    buyerPagesPerWindow: number
  }>
  /** Owners signed in to the dashboard (modules/sessions). */
  sessions: Readonly<{
    /** A session unused this long is over (requests move its last use forward at most once a minute). */
    idleMs: number
    /** A session is over this long after sign-in, however busy. */
    absoluteMs: number
    /** Sign-in and reset attempts per client address, and per account (email), per window. */
    signInPerAddress: number
    signInPerAccount: number
    signInWindowSeconds: number
    /** How long an emailed password-reset link works (once). */
    resetTtlMs: number
  }>
  keys: Readonly<{ lastUsedFlushMs: number; /** Active keys per shop and mode. */ maxActive: number }>
  /** Entries of the in-process cache of hot GET answers (0 turns it off). */
  readCacheEntries: number
  log: Readonly<{ level: string }>
  /** Seed a demo shop when `sx serve` starts on an empty database. */
  demoSeed: boolean
  /** Key that encrypts stored secrets (SX_SECRET); null = generated into the data folder. */
  secret: string | null
  orders: Readonly<{ ttlSeconds: number }>
  /** The storefront's public checkout form (modules/orders/checkout-form.*). */
  storefront: Readonly<{
    /** Unpaid orders from the form at once, per buyer address and per email, per shop. */
    unpaidPerAddress: number
    unpaidPerEmail: number
    /** A form order's reservation (and invoice) lasts this long: shorter than ORDER_TTL_SECONDS for API orders. */
    reservationSeconds: number
    /** A form sent back sooner than this after it was served is refused (a bot); later than the max, it has expired. */
    minFillMs: number
    maxFormAgeSeconds: number
  }>
  jobs: Readonly<{
    /** Run the job worker inside `sx serve` (SX_WORKER=off leaves it to `sx worker`). */
    inProcess: boolean
    pollMs: number
    /** How long a claimed job is held before another worker may take it over (a crashed worker's jobs resume). */
    leaseMs: number
    concurrency: number
    /**
     * PostgreSQL: the worker hears of new jobs and events through LISTEN, so an idle one looks at
     * the queue only when the next job is due or this long after its last look (a missed notice).
     */
    listenPollMs: number
  }>
  delivery: Readonly<{
    /** Waits between attempts at a merchant's dynamic endpoint; attempts = delays + 1. */
    dynamicRetryDelaysSeconds: readonly number[]
    dynamicTimeoutMs: number
    downloadTtlSeconds: number
    downloadLimit: number
    /** Largest file PUT /v1/products/{id}/file takes. */
    fileBodyLimitBytes: number
    /** Largest image PUT /v1/products/{id}/image takes (PRODUCT_IMAGE_LIMIT_BYTES, 5 MiB by default). */
    imageBodyLimitBytes: number
    /** How long before a subscription period ends its renewal invoice is created and emailed. */
    renewalNoticeSeconds: number
  }>
  /** `smtpConnections`: SMTP connections kept open at most, so mail keeps up with the order rate. */
  mail: Readonly<{ smtpUrl: string | null; from: string; smtpConnections: number }>
  /** Operator's escape hatch: merchant URLs (webhooks, dynamic products) may point at private, link-local and loopback addresses in both modes. */
  allowPrivateUrls: boolean
  webhooks: Readonly<{
    /** Waits between automatic attempts; attempts = delays + 1. */
    retryDelaysSeconds: readonly number[]
    timeoutMs: number
    /** An endpoint whose attempts have failed for this long without a success is disabled and its owner emailed. */
    disableAfterSeconds: number
    /** How long a rotated-out secret keeps signing next to the new one. */
    rotationOverlapSeconds: number
    /** Sends in flight per worker process, and per endpoint within it. */
    concurrency: number
    endpointConcurrency: number
  }>
  /** How long the housekeeping job keeps history, in days; 0 keeps it for ever. */
  retention: Readonly<{
    /** Events (GET /v1/events, what webhooks carry), once relayed to the endpoints. */
    eventsDays: number
    /** The webhook attempt log and finished send-queue rows. */
    webhookDeliveriesDays: number
  }>
  payouts: Readonly<{
    /** How often a payout or refund on its way is checked with the provider. */
    pollMs: number
    /** Sandbox: from broadcast to confirmation. */
    sandboxConfirmMs: number
    /** Sandbox: a pause between making a transfer and answering (crash tests aim at it). */
    sandboxSendDelayMs: number
  }>
  /** The live treasury (modules/treasury): sweeping deposits into it, and a test hook in its sender. */
  treasury: Readonly<{
    /** How often received money is swept from deposit addresses into the treasury. */
    sweepIntervalMs: number
    /** A pause between recording a signed transaction and broadcasting it (crash tests aim at it). */
    broadcastDelayMs: number
    /** How long a broadcast transaction may stay unmined before it is replaced, same nonce, at a higher fee. */
    feeBumpAfterMs: number
  }>
  /** Live payments: the operator's wallet phrase and the chains they configured (config-live.ts). */
  live: LiveConfig
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
  if (dbUrl.startsWith('sqlite:') && !['sqlite::memory:', 'sqlite:'].includes(dbUrl))
    dbUrl = `sqlite:${resolve(baseDir, dbUrl.slice(7))}`
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(dbUrl)) problems.push('DATABASE_URL must start with sqlite: or postgres://')
  const redisUrl = env.REDIS_URL || null
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must start with redis:// or rediss://')
  const logLevel = str('LOG_LEVEL', 'info')
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`)
  }
  const seconds = (name: string, fallback: number[]): number[] => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const values = raw.split(',').map((part) => Number(part.trim()))
    if (values.some((v) => !Number.isInteger(v) || v < 0 || v > 604_800)) {
      problems.push(`${name} must be comma-separated whole seconds (got "${raw}")`)
      return fallback
    }
    return values
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be true or false (got "${raw}")`)
    return raw === 'true'
  }
  const smtpUrl = env.SMTP_URL || null
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://')
  const worker = str('SX_WORKER', 'in-process')
  if (!['in-process', 'off'].includes(worker)) problems.push(`SX_WORKER must be in-process or off (got "${worker}")`)
  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems)
  const requestTimeoutMs = int('REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000)
  const host = str('HOST', '127.0.0.1')
  const port = int('PORT', 3000, 0, 65535)

  const config: Config = {
    http: {
      host,
      port,
      bodyLimitBytes: int('BODY_LIMIT_BYTES', 1024 * 1024, 1024),
      importBodyLimitBytes: int('IMPORT_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024),
      publicUrl: str('PUBLIC_URL', `http://${host}:${port}`).replace(/\/+$/, ''),
      requestTimeoutMs,
      uploadTimeoutMs: int('UPLOAD_TIMEOUT_MS', 600_000, requestTimeoutMs, 86_400_000),
      maxConnections: int('MAX_CONNECTIONS', 1000, 1),
      trustProxy,
    },
    db: { url: dbUrl },
    dataDir,
    redis: { url: redisUrl, keyPrefix: str('REDIS_KEY_PREFIX', 'sx:') },
    rateLimit: {
      readsPerWindow: int('RATE_LIMIT_READS', 600, 1),
      writesPerWindow: int('RATE_LIMIT_WRITES', 120, 1),
      windowSeconds: int('RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
      anonymousPerWindow: int('RATE_LIMIT_ANON', 60, 1),
      buyerPagesPerWindow: int('RATE_LIMIT_BUYER', 300, 1),
    },
    sessions: {
      idleMs: int('SESSION_IDLE_MINUTES', 120, 1, 525_600) * 60_000,
      absoluteMs: int('SESSION_MAX_HOURS', 24, 1, 8760) * 3_600_000,
      signInPerAddress: int('SIGN_IN_PER_ADDRESS', 20, 1),
      signInPerAccount: int('SIGN_IN_PER_ACCOUNT', 5, 1),
      signInWindowSeconds: int('SIGN_IN_WINDOW_SECONDS', 900, 1, 86_400),
      resetTtlMs: int('PASSWORD_RESET_TTL_MINUTES', 30, 1, 1440) * 60_000,
    },
    keys: { lastUsedFlushMs: int('KEY_LAST_USED_FLUSH_MS', 10_000, 10), maxActive: int('MAX_ACTIVE_KEYS', 100, 1) },
    readCacheEntries: int('READ_CACHE_ENTRIES', 2000, 0),
    log: { level: logLevel },
    demoSeed: str('SX_DEMO_SEED', 'true') !== 'false',
    secret: env.SX_SECRET || null,
    orders: { ttlSeconds: int('ORDER_TTL_SECONDS', 1800, 1, 7 * 86_400) },
    storefront: {
      unpaidPerAddress: int('STOREFRONT_UNPAID_PER_ADDRESS', 3, 1, 1000),
      unpaidPerEmail: int('STOREFRONT_UNPAID_PER_EMAIL', 3, 1, 1000),
      reservationSeconds: int('STOREFRONT_RESERVATION_SECONDS', 600, 60, 7 * 86_400),
      minFillMs: int('STOREFRONT_MIN_FILL_MS', 2000, 0, 60_000),
      maxFormAgeSeconds: int('STOREFRONT_FORM_MAX_AGE_SECONDS', 7200, 60, 86_400),
    },
    jobs: {
      inProcess: worker === 'in-process',
      pollMs: int('JOB_POLL_MS', 500, 5, 60_000),
      leaseMs: int('JOB_LEASE_MS', 60_000, 100),
      concurrency: int('JOB_CONCURRENCY', 16, 1, 64),
      listenPollMs: int('JOB_LISTEN_POLL_MS', 30_000, 100, 3_600_000),
    },
    delivery: {
      dynamicRetryDelaysSeconds: seconds('DYNAMIC_RETRY_DELAYS', [60, 300, 600, 900]),
      dynamicTimeoutMs: int('DYNAMIC_TIMEOUT_MS', 10_000, 100, 120_000),
      downloadTtlSeconds: int('DOWNLOAD_TTL_SECONDS', 7 * 86_400, 1),
      downloadLimit: int('DOWNLOAD_LIMIT', 5, 1, 1000),
      fileBodyLimitBytes: int('FILE_BODY_LIMIT_BYTES', 512 * 1024 * 1024, 1024),
      imageBodyLimitBytes: int('PRODUCT_IMAGE_LIMIT_BYTES', 5 * 1024 * 1024, 1024),
      renewalNoticeSeconds: int('RENEWAL_NOTICE_SECONDS', 3 * 86_400, 0),
    },
    mail: {
      smtpUrl,
      from: str('MAIL_FROM', 'sx <no-reply@localhost>'),
      smtpConnections: int('SMTP_CONNECTIONS', 10, 1, 100),
    },
    allowPrivateUrls: bool('ALLOW_PRIVATE_URLS', false),
    webhooks: {
      retryDelaysSeconds: seconds('WEBHOOK_RETRY_DELAYS', [60, 120, 300, 900, 3600, 21_600, 86_400]),
      timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      disableAfterSeconds: int('WEBHOOK_DISABLE_AFTER_SECONDS', 48 * 3600, 1),
      rotationOverlapSeconds: int('WEBHOOK_ROTATION_OVERLAP_SECONDS', 24 * 3600, 0),
      concurrency: int('WEBHOOK_CONCURRENCY', 64, 1, 1024),
      endpointConcurrency: int('WEBHOOK_ENDPOINT_CONCURRENCY', 8, 1, 256),
    },
    retention: {
      eventsDays: int('EVENTS_RETENTION_DAYS', 30, 0, 36_500),
      webhookDeliveriesDays: int('WEBHOOK_DELIVERIES_RETENTION_DAYS', 30, 0, 36_500),
    },
    payouts: {
      pollMs: int('PAYOUT_POLL_MS', 2000, 10, 3_600_000),
      sandboxConfirmMs: int('SANDBOX_PAYOUT_CONFIRM_MS', 3000, 0, 3_600_000),
      sandboxSendDelayMs: int('SANDBOX_PAYOUT_SEND_DELAY_MS', 0, 0, 600_000),
    },
    treasury: {
      sweepIntervalMs: int('SX_SWEEP_INTERVAL_SECONDS', 3600, 1, 31_536_000) * 1000,
      broadcastDelayMs: int('SX_BROADCAST_DELAY_MS', 0, 0, 600_000),
      feeBumpAfterMs: int('SX_FEE_BUMP_AFTER_SECONDS', 180, 1, 86_400) * 1000,
    },
    live: loadLiveConfig(env, problems),
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return deepFreeze(config)
}

/** `true` (any proxy), or comma-separated proxy addresses/CIDRs; unset or `false`: no proxy is trusted. */
function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | string[] {
  if (raw === undefined || raw === '' || raw === 'false') return false
  if (raw === 'true') return true
  const addresses = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  const isAddressOrCidr = (value: string) => {
    const [address = '', bits, extra] = value.split('/')
    return extra === undefined && isIP(address) !== 0 && (bits === undefined || /^\d{1,3}$/.test(bits))
  }
  if (addresses.length === 0 || !addresses.every(isAddressOrCidr)) {
    problems.push(`TRUST_PROXY must be true, false or comma-separated proxy addresses/CIDRs (got "${raw}")`)
    return false
  }
  return addresses
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
