// Frozen: never edit a migration that has shipped; add a new one.
// Money: the ledger (entries and the per-currency accounts they belong to), refunds, payouts, the
// sandbox's record of the transfers it made, and `orders.refunded_cents`. Orders paid before this
// migration are credited here, so the ledger agrees with the orders on an upgraded database.
import { sql, type Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

export async function up(db: Kysely<any>): Promise<void> {
  const id = idColumn(db)

  await db.schema.alterTable('orders').addColumn('refunded_cents', 'bigint', (c) => c.notNull().defaultTo(0)).execute()

  // One row per shop, mode and currency that has ever held money: what payouts and refunds lock.
  await db.schema
    .createTable('ledger_accounts')
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_accounts_pk', ['shop_id', 'livemode', 'currency'])
    .execute()

  // Append-only. `bucket` is available | pending; `amount_cents` is signed. A source (order, refund,
  // payout) gets each kind of entry in each bucket at most once.
  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_id', id, (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ledger_entries_once', ['source_id', 'kind', 'bucket'])
    .execute()
  await db.schema.createIndex('ledger_entries_by_account').on('ledger_entries').columns(['shop_id', 'livemode', 'currency', 'bucket']).execute()

  await db.schema
    .createTable('refunds')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('order_id', id, (c) => c.notNull().references('orders.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('destination_address', 'text')
    .addColumn('destination_tx', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('broadcast_at', 'bigint')
    .addColumn('settled_at', 'bigint')
    .execute()
  await db.schema.createIndex('refunds_by_order').on('refunds').columns(['order_id', 'id']).execute()

  await db.schema
    .createTable('payouts')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('shop_id', id, (c) => c.notNull())
    .addColumn('livemode', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('destination_address', 'text', (c) => c.notNull())
    .addColumn('memo', 'text')
    .addColumn('tx_hash', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('broadcast_at', 'bigint')
    .addColumn('confirmed_at', 'bigint')
    .addColumn('failed_at', 'bigint')
    .execute()
  await db.schema.createIndex('payouts_by_shop').on('payouts').columns(['shop_id', 'livemode', 'id']).execute()
  await db.schema.createIndex('payouts_by_status').on('payouts').columns(['shop_id', 'livemode', 'status', 'id']).execute()

  // The sandbox payout provider's own memory (a stand-in for a chain): one row per transfer it
  // broadcast, keyed by the caller's reference, so asking twice never sends twice.
  await db.schema
    .createTable('sandbox_transfers')
    .addColumn('reference', id, (c) => c.primaryKey())
    .addColumn('chain', 'text', (c) => c.notNull())
    .addColumn('asset', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('destination', 'text')
    .addColumn('tx_hash', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('send_calls', 'integer', (c) => c.notNull())
    .addColumn('broadcast_at', 'bigint', (c) => c.notNull())
    .execute()

  // Backfill. A late payment (invoice paid_late) now counts as paid: it gets its paid_at, and is credited.
  await sql`update orders set paid_at = updated_at where paid_at is null and invoice_status = 'paid_late'`.execute(db)
  // Entry ids reuse the order's ULID (le_<ULID>): unique, time-ordered, and made without app code.
  await sql`insert into ledger_entries (id, shop_id, livemode, currency, bucket, kind, source_id, amount_cents, created_at)
    select 'le_' || substr(id, 5), shop_id, livemode, currency, 'available', 'payment', id, total_cents, paid_at
    from orders where paid_at is not null`.execute(db)
  await sql`insert into ledger_accounts (shop_id, livemode, currency, created_at)
    select shop_id, livemode, currency, min(paid_at) from orders where paid_at is not null group by shop_id, livemode, currency`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['sandbox_transfers', 'payouts', 'refunds', 'ledger_entries', 'ledger_accounts']) {
    await db.schema.dropTable(table).execute()
  }
  await db.schema.alterTable('orders').dropColumn('refunded_cents').execute()
}
