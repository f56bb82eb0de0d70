import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from './config.ts'

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ INIT_CWD: '/srv/sx' })
    assert.equal(config.db.url, 'sqlite:/srv/sx/data/sx.db')
    assert.equal(config.http.host, '127.0.0.1')
    assert.equal(config.http.port, 3000)
    assert.equal(config.http.bodyLimitBytes, 1024 * 1024)
    assert.equal(config.http.importBodyLimitBytes, 16 * 1024 * 1024)
    assert.deepEqual(config.rateLimit, {
      readsPerWindow: 600,
      writesPerWindow: 120,
      windowSeconds: 60,
      anonymousPerWindow: 60,
      buyerPagesPerWindow: 300,
    })
    assert.equal(config.http.requestTimeoutMs, 30_000)
    assert.equal(config.http.uploadTimeoutMs, 600_000)
    assert.equal(config.http.maxConnections, 1000)
    assert.equal(config.http.trustProxy, false)
    assert.equal(config.keys.maxActive, 100)
    assert.equal(config.redis.url, null)
    assert.deepEqual(config.retention, { eventsDays: 30, webhookDeliveriesDays: 30 })
    assert.deepEqual(loadConfig({ EVENTS_RETENTION_DAYS: '0', WEBHOOK_DELIVERIES_RETENTION_DAYS: '7' }).retention, {
      eventsDays: 0,
      webhookDeliveriesDays: 7,
    })
    assert.throws(() => loadConfig({ EVENTS_RETENTION_DAYS: '-1' }), /EVENTS_RETENTION_DAYS/)
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.http))
  })

  it('resolves relative SQLite paths against the directory the command ran in', () => {
    assert.equal(loadConfig({ INIT_CWD: '/srv/sx', DATABASE_URL: 'sqlite:./db/x.db' }).db.url, 'sqlite:/srv/sx/db/x.db')
    assert.equal(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).db.url, 'sqlite::memory:')
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).db.url, 'postgres://u@h/db')
  })

  it('reads TRUST_PROXY as a flag or a list of proxy addresses', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy, true)
    assert.throws(() => loadConfig({ TRUST_PROXY: '2' }), /TRUST_PROXY/)
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1' }).http.trustProxy, [
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
    ])
    assert.throws(() => loadConfig({ TRUST_PROXY: 'my-proxy' }), /TRUST_PROXY/)
    assert.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '60000', UPLOAD_TIMEOUT_MS: '1000' }), /UPLOAD_TIMEOUT_MS/)
  })

  it('reports every invalid setting at once', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x',
          RATE_LIMIT_READS: '0',
          LOG_LEVEL: 'loud',
          REDIS_URL: 'http://x',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.equal(error.problems.length, 5)
        assert.match(error.message, /PORT/)
        assert.match(error.message, /DATABASE_URL/)
        return true
      },
    )
  })
})
