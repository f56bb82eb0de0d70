// Importing a pool product's items (license keys, accounts): pasted or read from a text file, one
// per line, sent in batches so a large file moves a progress bar and stays under the API's limits
// (100,000 items and 16 MiB a request). Duplicates are counted by the server, across batches too.
import { h } from '../dom.ts'
import { progressBar } from '../progress.ts'
import { sx } from '../session.ts'
import { onSubmit } from '../forms.ts'
import { errorBox } from '../view.ts'
import { field, type Product } from './product-fields.ts'

/** Items per POST /v1/products/{id}/stock. */
export const IMPORT_BATCH = 5_000

type Totals = { imported: number; duplicates: number; stock_after: number }

/** Non-blank lines, trimmed (the server trims too; blank lines would be a 422). */
export const parseItems = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)

async function importInBatches(productId: string, items: string[], onBatch: (done: number, totals: Totals) => void) {
  const totals: Totals = { imported: 0, duplicates: 0, stock_after: 0 }
  for (let start = 0; start < items.length; start += IMPORT_BATCH) {
    const batch = items.slice(start, start + IMPORT_BATCH)
    const answer = await sx().POST('/v1/products/{id}/stock', {
      params: { path: { id: productId } },
      body: { items: batch },
    })
    totals.imported += answer.imported
    totals.duplicates += answer.duplicates
    totals.stock_after = answer.stock_after
    onBatch(start + batch.length, totals)
  }
  return totals
}

const summary = (t: Totals) =>
  `${t.imported} imported, ${t.duplicates} skipped as duplicates, ${t.stock_after} in stock.`

/**
 * The import form. `compact` (a row of the product list): a small paste box. Otherwise (the
 * product's page) paste or upload a file, with a progress bar. `onDone` gets the new stock.
 */
export function stockImportForm(product: Product, compact: boolean, onDone: (stock: number) => void): HTMLFormElement {
  const id = `stock-${product.id}`
  const keys = h('textarea', { id, rows: compact ? 2 : 6, placeholder: 'One item per line' })
  const file = h('input', { id: `${id}-file`, type: 'file', accept: '.txt,.csv,text/plain' })
  const progress = progressBar(`${id}-progress`, 'Import progress')
  const button = h('button', { type: 'submit' }, 'Import')
  const form = h(
    'form',
    { class: compact ? 'import' : 'card' },
    compact
      ? h('label', { for: id }, `Add ${product.type === 'account' ? 'accounts' : 'keys'} to ${product.name}`)
      : h('h2', {}, 'Import stock'),
    compact ? keys : field('Paste items, one per line', keys),
    compact ? null : field('Or upload a text file', file, 'One item per line; large files are sent in batches.'),
    button,
    progress.element,
  )
  onSubmit(
    form,
    button,
    async () => {
      const upload = file.files?.[0]
      const items = parseItems(upload ? await upload.text() : keys.value)
      if (items.length === 0) {
        progress.finish('Nothing to import: paste items or choose a file with one item per line.')
        return
      }
      progress.update(0, items.length, `Importing ${items.length} items…`)
      const totals = await importInBatches(product.id, items, (done, so) =>
        progress.update(done, items.length, `${done} of ${items.length} sent: ${so.imported} imported so far.`),
      )
      // In the list, rows share one look: say which product the result is for.
      progress.finish(compact ? `${product.name}: ${summary(totals)}` : summary(totals))
      form.reset()
      onDone(totals.stock_after)
    },
    (error) => progress.finish(errorBox(error)),
  )
  return form
}
