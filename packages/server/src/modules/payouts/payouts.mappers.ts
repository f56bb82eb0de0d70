// Payout rows → the API's payout object (the only place that happens).
import { toIso, toIsoOrNull } from '../../platform/clock.ts'
import { findAsset, formatUnits, type Chain } from '../payments/index.ts'
import type { PayoutRow } from './payouts.table.ts'
import type { Payout } from './payouts.schemas.ts'

const time = (value: number | null) => toIsoOrNull(value === null ? null : Number(value))

export function toPayout(row: PayoutRow): Payout {
  return {
    id: row.id,
    status: row.status as Payout['status'],
    chain: row.chain as Chain,
    asset: row.asset,
    amount_cents: Number(row.amount_cents),
    currency: row.currency,
    amount: formatUnits(BigInt(row.amount), findAsset(row.chain, row.asset)?.decimals ?? 0),
    destination_address: row.destination_address,
    memo: row.memo,
    tx_hash: row.tx_hash,
    failure_reason: row.failure_reason,
    livemode: row.livemode === 1,
    created_at: toIso(Number(row.created_at)),
    broadcast_at: time(row.broadcast_at),
    confirmed_at: time(row.confirmed_at),
    failed_at: time(row.failed_at),
  }
}
