// Substring search with LIKE on both dialects, where what the user typed is matched as itself:
// `%`, `_` and the escape character are escaped, so "a_b" finds "a_b", not "axb".
import { sql, type RawBuilder } from 'kysely'

/** `column LIKE '%text%'`, with `text` matched literally. Case follows the column (store lower-cased). */
export function likeContaining(column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`
}
