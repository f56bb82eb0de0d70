// Frozen: never edit a migration that has shipped; add a new one.
// Webhook endpoints, the per-endpoint send queue, the log of every attempt, and the relay mark on events.
import { sql, type Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumn(db)

  // Events written before this migration were never meant for endpoints that did not exist yet.
  await db.schema.alterTable('events').addColumn('dispatched_at', 'bigint').execute()
  await sql`update events set dispatched_at = created_at`.execute(db)
  await db.schema.createIndex('events_undispatched').on('events').column('id').where(sql.ref('dispatched_at'), 'is', null).execute()

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_secret_expires_at', 'bigint')
    .addColumn('failing_since', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute()
  await db.schema.createIndex('webhook_endpoints_by_shop').on('webhook_endpoints').columns(['shop_id', 'livemode', 'id']).execute()

  // One row per (endpoint, event): the state of its retry chain. Workers claim due rows by lease.
  await db.schema
    .createTable('webhook_queue')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('endpoint_id', id, (c) => c.notNull())
    .addColumn('event_id', id, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('locked_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('webhook_queue_once', ['endpoint_id', 'event_id'])
    .execute()
  await db.schema
    .createIndex('webhook_queue_pending')
    .on('webhook_queue')
    .columns(['endpoint_id', 'next_attempt_at', 'id'])
    .where(sql.ref('status'), '=', 'pending')
    .execute()

  // Every attempt, automatic or manual, as the API lists it.
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('endpoint_id', id, (c) => c.notNull())
    .addColumn('event_id', id, (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('queue_id', id)
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('response_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_excerpt', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('next_retry_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('webhook_deliveries_by_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_deliveries', 'webhook_queue', 'webhook_endpoints']) await db.schema.dropTable(table).execute()
  await db.schema.dropIndex('events_undispatched').execute()
  await db.schema.alterTable('events').dropColumn('dispatched_at').execute()
}
