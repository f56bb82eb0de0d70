// The composition root: builds every dependency once from Config and a database connection.
// Tests pass overrides (a fixed clock) instead of reaching into modules.
import { Redis } from 'ioredis'
import type { Config } from './config.ts'
import type { Db, DbOrTrx } from './db/database.ts'
import type { Connection } from './db/connect.ts'
import { systemClock, type Clock } from './platform/clock.ts'
import { createKeyLookup, createKeyUsage, type KeyUsage } from './modules/keys/index.ts'
import type { KeyLookup } from './platform/http/auth.ts'
import type { SessionLookup } from './platform/http/session-auth.ts'
import { createSessionLookup } from './modules/sessions/index.ts'
import { createVersionedCache, type VersionedCache } from './platform/versioned-cache.ts'
import type { Dialect } from './db/database.ts'
import { createLogMailer, createSmtpMailer, type Mailer } from './platform/mail/mailer.ts'
import { createSecretBox, loadOrCreateMasterKey, type SecretBox } from './platform/secret-box.ts'
import { createOutboundClient, type OutboundClient } from './platform/outbound/client.ts'
import { createLogger, type Logger } from './platform/log.ts'
import { createWorkSignal, type WorkSignal } from './platform/jobs/notices.ts'
import {
  createSandboxPayoutProvider,
  createSandboxProvider,
  type PaymentProvider,
  type PayoutProviders,
  unavailablePayoutProvider,
} from './modules/payments/index.ts'
import { createChainHealth, createEvmAdapter, type ChainHealth, type EvmAdapter } from './modules/chains/index.ts'
import { NO_WALLET, type Wallet } from './modules/wallet/index.ts'
import { createTreasury, type Treasury } from './modules/treasury/index.ts'
import {
  createHttpRateSource,
  createLiveProvider,
  paymentProgress,
  type PaymentProgress,
  type RateSource,
} from './modules/watcher/index.ts'

export type Services = Readonly<{
  config: Config
  db: Db
  clock: Clock
  /** pino at LOG_LEVEL: fastify's logger in `sx serve`, the worker's in `sx worker`. */
  log: Logger
  keyUsage: KeyUsage
  /** Platform's key-lookup port (http/auth.ts), implemented by the keys module over `api_keys`. */
  findKey: KeyLookup
  /** Platform's session-lookup port (http/session-auth.ts): dashboard cookies on /v1, implemented by the sessions module. */
  findSession: SessionLookup
  /** Shared rate-limit budgets across instances; null = in-process budgets. */
  redis: Redis | null
  /** Computed list pages, valid for the catalog version they were computed at. */
  readCache: VersionedCache
  dialect: Dialect
  /** Test keys always pay through the sandbox; live orders through the EVM provider (modules/watcher). */
  payments: Readonly<{ sandbox: PaymentProvider; live: PaymentProvider | null }>
  /** Money out (payouts, refunds): the sandbox for test keys; live needs a configured provider (none ships yet). */
  payouts: PayoutProviders
  /** The live treasury (sender, sweeps, holdings); null without configured chains and a wallet. */
  treasury: Treasury | null
  mailer: Mailer
  /** Seals what is stored but must not be readable from a copy of the database (signing secrets, goods, stored answers). */
  secretBox: SecretBox
  /** New jobs and events, as commits queue them: heard by this process's worker, and by others' through NOTIFY on PostgreSQL. */
  jobs: WorkSignal
  /** The configured EVM chains (SX_RPC_<CHAIN>), checked at start by `sx serve`/`sx worker`; the watcher scans each. */
  chains: readonly EvmAdapter[]
  /** Whether each chain's node answers now (/readyz reports the ones that do not). */
  chainHealth: ChainHealth
  /** RATES_URL: prices for live quotes that are not 1:1. */
  rates: RateSource
  /** A live payment still confirming on an order (the buyer's page shows "seen, N of M confirmations"). */
  paymentProgress: (db: DbOrTrx, orderId: string) => Promise<PaymentProgress | null>
  /** POSTs to merchant URLs (webhooks), refusing addresses their mode's policy forbids. */
  outbound: OutboundClient
}>

/** The secret box under the operator's master key (SX_SECRET, or the data folder's key file). Migrations need it too. */
export function openSecretBox(config: Config): SecretBox {
  return createSecretBox(loadOrCreateMasterKey(config.dataDir, config.secret))
}

export type ServiceOverrides = Partial<Pick<Services, 'clock' | 'mailer' | 'payments' | 'payouts' | 'chains'>> & {
  /** The operator's wallet (main/live.ts opens it); with configured chains it makes the treasury. */
  wallet?: Wallet | null
}

export function createServices(config: Config, connection: Connection, overrides: ServiceOverrides = {}): Services {
  // commandTimeout bounds each limiter check during an outage: without it a request waits for the
  // next reconnect attempt, whose delay grows to 2 s (more when the host does not answer at all).
  const redis = config.redis.url
    ? new Redis(config.redis.url, {
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        commandTimeout: 500,
        lazyConnect: false,
      })
    : null
  // A Redis outage answers 503 on limited routes (see rate-limit.ts); the error event only needs logging once.
  redis?.on('error', () => {})
  const clock = overrides.clock ?? systemClock
  const log = createLogger(config.log)
  // One adapter per configured chain for the whole process: the watcher, the treasury and /readyz share it.
  const chains = overrides.chains ?? config.live.evm.map((settings) => createEvmAdapter(settings))
  const treasury =
    overrides.wallet && chains.length > 0
      ? createTreasury({
          db: connection.db,
          clock,
          wallet: overrides.wallet,
          evm: chains,
          broadcastDelayMs: config.treasury.broadcastDelayMs,
          feeBumpAfterMs: config.treasury.feeBumpAfterMs,
        })
      : null
  const secretBox = openSecretBox(config)
  const rates = createHttpRateSource(config.live.ratesUrl)
  return {
    config,
    db: connection.db,
    clock,
    log,
    findKey: createKeyLookup(connection.db, connection.dialect),
    findSession: createSessionLookup({ db: connection.db, clock, config }),
    keyUsage: createKeyUsage(connection.db, config.keys.lastUsedFlushMs, (error) =>
      log.error({ err: error }, 'last_used_at flush failed'),
    ),
    redis,
    readCache: createVersionedCache(config.readCacheEntries),
    dialect: connection.dialect,
    payments: overrides.payments ?? {
      sandbox: createSandboxProvider(),
      live: createLiveProvider({ db: connection.db, clock, secretBox, live: config.live, rates }),
    },
    payouts: overrides.payouts ?? {
      sandbox: createSandboxPayoutProvider({ db: connection.db, clock, ...config.payouts }),
      // Chains configured without a wallet: a 409 that says how to get one.
      live: treasury?.payouts ?? (chains.length > 0 ? unavailablePayoutProvider(NO_WALLET) : null),
    },
    treasury,
    mailer:
      overrides.mailer ??
      (config.mail.smtpUrl
        ? createSmtpMailer(config.mail.smtpUrl, config.mail.from, config.mail.smtpConnections)
        : createLogMailer((entry) =>
            log.info(entry, 'mail not sent: no SMTP_URL set (the body is in the mails table)'),
          )),
    secretBox,
    chains,
    chainHealth: createChainHealth(chains, log, { deadlineMs: 2_000, cacheMs: 2_000 }),
    rates,
    paymentProgress: (db, orderId) =>
      paymentProgress(db, orderId, (chain) => config.live.evm.find((c) => c.chain === chain)?.confirmations),
    jobs: createWorkSignal({ connection, now: () => clock.now(), horizonMs: config.jobs.listenPollMs }),
    outbound: createOutboundClient({ maxSocketsPerHost: config.webhooks.endpointConcurrency }),
  }
}

/** Flushes buffered state and closes connections; the app must be closed first. */
export async function closeServices(services: Services): Promise<void> {
  await services.keyUsage.stop()
  services.mailer.close()
  services.outbound.close()
  services.redis?.disconnect()
  await services.db.destroy()
}
