// Frozen: never edit a migration that has shipped; add a new one.
// An idle worker asks when the next job is due. Unheld jobs come from `jobs_by_run_at` (0003) in
// run_at order; held ones (locked_until set: the few a worker is running right now) from this
// partial index, so the answer is a short index read however many jobs wait (an unpaid order's
// expiry job waits 30 min; tens of thousands pile up at a high order rate).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('jobs_held')
    .on('jobs')
    .column('locked_until')
    .where(sql.ref('locked_until'), 'is not', null)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('jobs_held').execute()
}
