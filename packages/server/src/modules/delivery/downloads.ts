// Download links of file products (`/dl/<token>`, made by the file_download strategy): one row per
// link, keyed by the token's hash, with its expiry and the downloads it has left. Only a GET that
// serves the file spends one; a HEAD, the order page and the mails only read what is left.
import type { DbOrTrx } from '../../db/database.ts'
import { sha256Hex } from '../../platform/crypto.ts'
import { findDeliverySettings } from '../catalog/index.ts'

export type DownloadFile = { fileName: string | null; fileSha256: string | null }
export type DownloadRefusal = 'unknown' | 'expired' | 'used_up'
export type DownloadCheck = ({ ok: true } & DownloadFile) | { ok: false; reason: DownloadRefusal }

/** Spends one download: one conditional UPDATE, so concurrent clicks cannot exceed the limit. */
export async function spendDownload(db: DbOrTrx, token: string, now: number): Promise<DownloadCheck> {
  const tokenHash = sha256Hex(token)
  const spent = await db
    .updateTable('downloads')
    .set((eb) => ({ downloads_left: eb('downloads_left', '-', 1) }))
    .where('token_hash', '=', tokenHash)
    .where('downloads_left', '>', 0)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  // Refused: say why (a link that was just used up or expired between the two reads counts as such).
  if (spent.numUpdatedRows === 0n) return { ok: false, reason: (await refusal(db, tokenHash, now)) ?? 'used_up' }
  return { ok: true, ...(await fileOf(db, tokenHash)) }
}

/** Whether the link would serve its file now, without spending a download (HEAD). */
export async function peekDownload(db: DbOrTrx, token: string, now: number): Promise<DownloadCheck> {
  const tokenHash = sha256Hex(token)
  const reason = await refusal(db, tokenHash, now)
  return reason === null ? { ok: true, ...(await fileOf(db, tokenHash)) } : { ok: false, reason }
}

/** Downloads left on each of these link URLs (`…/dl/<token>`), for the order page and mails. */
export async function downloadsLeft(db: DbOrTrx, urls: string[]): Promise<Map<string, number>> {
  const byHash = new Map<string, string>()
  for (const url of urls) {
    const token = /\/dl\/([0-9A-Za-z]+)$/.exec(url)?.[1]
    if (token) byHash.set(sha256Hex(token), url)
  }
  if (byHash.size === 0) return new Map()
  const rows = await db
    .selectFrom('downloads')
    .select(['token_hash', 'downloads_left'])
    .where('token_hash', 'in', [...byHash.keys()])
    .execute()
  return new Map(rows.map((row) => [byHash.get(row.token_hash)!, Math.max(0, Number(row.downloads_left))]))
}

async function refusal(db: DbOrTrx, tokenHash: string, now: number): Promise<DownloadRefusal | null> {
  const row = await db
    .selectFrom('downloads')
    .select(['expires_at', 'downloads_left'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!row) return 'unknown'
  if (row.expires_at <= now) return 'expired'
  return row.downloads_left <= 0 ? 'used_up' : null
}

async function fileOf(db: DbOrTrx, tokenHash: string): Promise<DownloadFile> {
  const link = await db
    .selectFrom('downloads')
    .select('product_id')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirstOrThrow()
  const product = await findDeliverySettings(db, link.product_id)
  if (!product) throw new Error(`product ${link.product_id} not found`)
  return { fileName: product.file_name, fileSha256: product.file_sha256 }
}
