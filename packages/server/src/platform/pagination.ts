// Keyset pagination over time-ordered ids, newest first. A cursor names the last id seen and a
// hash of the filters it was issued for, so it survives inserts and deletes and cannot be
// replayed against another query.
import { Type } from 'typebox'
import { invalidFields } from './errors.ts'

export const DEFAULT_LIMIT = 25
export const MAX_LIMIT = 100

export const PageQuerySchema = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_LIMIT,
      default: DEFAULT_LIMIT,
      description: 'How many items to return per page.',
    }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'Opaque pagination cursor from a previous response.' }),
  ),
}

export type PageQuery = { limit?: number; cursor?: string }
/** `filterKey` names the list and its filters; a cursor carries it so that it only works where it was issued. */
export type Page = { limit: number; afterId: string | null; filterKey: string }
export type List<T> = { object: 'list'; has_more: boolean; next_cursor: string | null; data: T[] }

/**
 * Reads `limit` and `cursor`; a cursor from another list or other filters, or a tampered one, is a
 * 422 on `cursor`. `list` names the collection (`products`), so cursors do not cross lists.
 */
export function readPage(query: PageQuery, list: string, filters: Record<string, unknown> = {}): Page {
  const filterKey = `${list}?${JSON.stringify(filters, Object.keys(filters).sort())}`
  const limit = query.limit ?? DEFAULT_LIMIT
  if (query.cursor === undefined) return { limit, afterId: null, filterKey }
  const decoded = decodeCursor(query.cursor)
  if (!decoded) throw invalidFields({ cursor: ['is not a cursor issued by this API'] })
  if (decoded.f !== filterKey) throw invalidFields({ cursor: ['was issued for different filters'] })
  return { limit, afterId: decoded.last, filterKey }
}

/** Repositories fetch `limit + 1` rows; this trims the extra one and builds the list envelope. */
export function toList<Row extends { id: string }, T>(rows: Row[], page: Page, map: (row: Row) => T): List<T> {
  const hasMore = rows.length > page.limit
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows
  const last = pageRows[pageRows.length - 1]
  return {
    object: 'list',
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor({ v: 1, last: last.id, f: page.filterKey }) : null,
    data: pageRows.map(map),
  }
}

type CursorPayload = { v: 1; last: string; f: string }

function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url')
}

function decodeCursor(cursor: string): CursorPayload | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const valid =
      value?.v === 1 &&
      typeof value.last === 'string' &&
      /^[a-z]+_[0-9A-Z]{26}$/.test(value.last) &&
      typeof value.f === 'string'
    return valid ? (value as CursorPayload) : null
  } catch {
    return null
  }
}
