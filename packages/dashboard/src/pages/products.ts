// Products: the catalogue (type, price, stock, status, a link to each product's page, and a paste
// box for pool products' keys) and creating a product of any of the six types with the fields its
// type needs: a dynamic product's endpoint (its signing secret shown once), a subscription's
// interval, a physical product's stock counter, a file product's file (uploaded with progress).
import { h } from '../dom.ts'
import { progressBar } from '../progress.ts'
import { sx } from '../session.ts'
import { onSubmit } from '../forms.ts'
import { empty, errorBox, loadInto, money, secretNotice, table } from '../view.ts'
import {
  INTERVALS,
  POOL_TYPES,
  TYPE_LABELS,
  choice,
  productInputs,
  field,
  toCents,
  toStock,
  type Product,
  type ProductType,
} from './product-fields.ts'
import { stockImportForm } from './stock-import.ts'
import { uploadWithProgress } from './product-file.ts'

const stockText = (stock: number | null) => (stock === null ? 'unlimited' : String(stock))

export function productsPage(): HTMLElement {
  const list = h('div')
  const notice = h('div', { 'aria-live': 'polite' })
  const refresh = () =>
    loadInto(
      list,
      () => sx().GET('/v1/products', { params: { query: { limit: 100 } } }),
      (page) =>
        page.data.length === 0
          ? empty('No products yet: create your first one with the form above.')
          : table(
              ['Name', 'Type', 'Price', 'Stock', 'Status', ''],
              page.data.map((p) => {
                const stock = h('span', {}, stockText(p.stock))
                return [
                  h('a', { href: `/dashboard/products/${p.id}` }, p.name),
                  TYPE_LABELS[p.type],
                  money(p.price_cents, p.currency),
                  stock,
                  p.status,
                  POOL_TYPES.has(p.type) ? stockImportForm(p, true, (n) => (stock.textContent = stockText(n))) : '',
                ]
              }),
            ),
    )
  void refresh()
  return h('section', {}, h('h1', {}, 'Products'), createForm(notice, refresh), notice, h('h2', {}, 'Catalogue'), list)
}

function createForm(notice: HTMLElement, refresh: () => Promise<void>): HTMLFormElement {
  const { name, price, status, stock, dynamicUrl, description, fields } = productInputs()
  const type = choice('product-type', Object.entries(TYPE_LABELS) as [string, string][])
  const currency = h('input', {
    id: 'product-currency',
    value: 'USD',
    pattern: '[A-Z]{3}',
    maxlength: 3,
    required: true,
  })
  const interval = choice(
    'product-interval',
    INTERVALS.map((i) => [i, `Every ${i}`]),
    'month',
  )
  const file = h('input', { id: 'product-file', type: 'file' })
  const upload = progressBar('product-upload', 'Upload progress')
  // Each type's own fields, shown only while that type is chosen.
  const only: Partial<Record<ProductType, HTMLElement>> = {
    dynamic: fields.dynamicUrl,
    subscription: field('Billing interval', interval),
    physical: fields.stock,
    file_download: field('File', file, 'Buyers get an expiring download link.'),
  }
  const showTypeFields = () => {
    for (const [t, row] of Object.entries(only)) row.hidden = t !== type.value
  }
  type.addEventListener('change', showTypeFields)
  showTypeFields()
  const button = h('button', { type: 'submit' }, 'Create product')
  const form = h(
    'form',
    { class: 'card grid' },
    h('h2', {}, 'New product'),
    fields.name,
    field('Type', type),
    field('Price', price),
    field('Currency', currency, 'Three letters, e.g. USD or EUR.'),
    fields.status,
    Object.values(only),
    description.element,
    button,
    // Outside the file row: the upload's outcome stays in view when the form resets.
    upload.element,
  )
  onSubmit(
    form,
    button,
    async () => {
      notice.replaceChildren()
      const chosen = type.value as ProductType
      const product = await sx().POST('/v1/products', {
        body: {
          name: name.value,
          type: chosen,
          price_cents: toCents(price.value),
          currency: currency.value,
          status: status.value as Product['status'],
          ...(description.textarea.value.trim() ? { description: description.textarea.value } : {}),
          ...(chosen === 'dynamic' ? { dynamic_url: dynamicUrl.value } : {}),
          ...(chosen === 'subscription' ? { interval: interval.value as (typeof INTERVALS)[number] } : {}),
          ...(chosen === 'physical' ? { stock: toStock(stock.value) } : {}),
        },
      })
      const chosenFile = file.files?.[0]
      // The product exists either way; a failed upload is shown by its bar and can be retried on its page.
      if (product.type === 'file_download' && chosenFile)
        await uploadWithProgress(product, chosenFile, upload).catch((error: unknown) => upload.finish(errorBox(error)))
      notice.replaceChildren(
        h(
          'p',
          { class: 'ok', role: 'status' },
          `Created ${product.name}. `,
          h('a', { href: `/dashboard/products/${product.id}` }, 'Edit it'),
        ),
        ...(product.signing_secret
          ? [secretNotice(product.signing_secret, `The signing secret of ${product.name}'s delivery calls.`)]
          : []),
      )
      form.reset()
      description.textarea.dispatchEvent(new Event('input'))
      showTypeFields()
      await refresh()
    },
    (error) => notice.replaceChildren(errorBox(error)),
  )
  return form
}
