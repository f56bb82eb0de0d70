// GET /v1/events?object_id= (an order's timeline in the dashboard) reads the events about one
// object. The payload that names it is sealed, so the object's id gets a column of its own, set by
// the outbox from now on; events recorded before this migration have none (they age out with
// EVENTS_RETENTION_DAYS) and are not found by the filter.
import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').addColumn('object_id', idColumn(db)).execute()
  await db.schema
    .createIndex('events_by_object')
    .on('events')
    .columns(['shop_id', 'livemode', 'object_id', 'id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_by_object').execute()
  await db.schema.alterTable('events').dropColumn('object_id').execute()
}
