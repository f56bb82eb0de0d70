// Refund rows → the API's refund object (the only place that happens).
import { toIso } from '../../platform/clock.ts'
import { findAsset, formatUnits, type Chain } from '../payments/index.ts'
import type { RefundRow } from './refunds.table.ts'
import type { Refund } from './refunds.schemas.ts'

export function toRefund(row: RefundRow): Refund {
  return {
    id: row.id,
    order_id: row.order_id,
    status: row.status as Refund['status'],
    amount_cents: Number(row.amount_cents),
    currency: row.currency,
    reason: row.reason as Refund['reason'],
    note: row.note,
    chain: row.chain as Chain,
    asset: row.asset,
    amount: formatUnits(BigInt(row.amount), findAsset(row.chain, row.asset)?.decimals ?? 0),
    destination_address: row.destination_address,
    destination_tx: row.destination_tx,
    failure_reason: row.failure_reason,
    livemode: row.livemode === 1,
    created_at: toIso(Number(row.created_at)),
    updated_at: toIso(Number(row.updated_at)),
  }
}
