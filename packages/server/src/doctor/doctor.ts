// `sx doctor` and the test harness's teardown: the ledger and stock invariants, every module's
// figures read through its door inside ONE snapshot transaction, compared here (a command above the
// modules, so no module reads another's tables to check it).
import type { Db, DbOrTrx } from '../db/database.ts'
import { describeDifference } from './difference.ts'
import { ledgerReport, type LedgerReport } from './ledger-check.ts'
import { stockReport, type StockReport } from './stock-check.ts'

export { describeDifference, type Difference } from './difference.ts'
export type { LedgerReport } from './ledger-check.ts'
export type { StockReport } from './stock-check.ts'

export type DoctorReport = { ledger: LedgerReport; stock: StockReport }

/** REPEATABLE READ: on PostgreSQL every query sees the same snapshot, even while workers commit.
 *  SQLite transactions here take the write lock, which is a snapshot too. */
function inSnapshot<T>(db: Db, read: (trx: DbOrTrx) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').execute(read)
}

export function checkDoctor(db: Db): Promise<DoctorReport> {
  return inSnapshot(db, async (trx) => ({ ledger: await ledgerReport(trx), stock: await stockReport(trx) }))
}

export function checkLedger(db: Db): Promise<LedgerReport> {
  return inSnapshot(db, (trx) => ledgerReport(trx))
}

export function checkStock(db: Db): Promise<StockReport> {
  return inSnapshot(db, (trx) => stockReport(trx))
}

/** The report as `sx doctor` prints it: `ledger ok: …` / `stock ok: …`, or each difference. */
export function doctorLines(report: DoctorReport): { lines: string[]; ok: boolean } {
  const { ledger, stock } = report
  const lines = [
    ledger.differences.length === 0
      ? `ledger ok: ${ledger.balances} balance${ledger.balances === 1 ? '' : 's'} agree with the orders, refunds and payouts`
      : `ledger differences (${ledger.differences.length}):\n${ledger.differences.map((d) => `  ${describeDifference(d)}`).join('\n')}`,
    stock.differences.length === 0
      ? `stock ok: ${stock.counters} counter${stock.counters === 1 ? ' agrees' : 's agree'} with ${stock.counters === 1 ? 'its' : 'their'} movements`
      : `stock differences (${stock.differences.length}):\n${stock.differences.map((d) => `  ${describeDifference(d)}`).join('\n')}`,
  ]
  return { lines, ok: ledger.differences.length === 0 && stock.differences.length === 0 }
}
