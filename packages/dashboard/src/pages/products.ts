// Products: the list (type, price, stock, status), creating a license_key or file_download product
// (with its file), and importing license keys by pasting one per line.
import type { components } from '@sx/sdk'
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { empty, errorBox, loadInto, money, table } from '../view.ts'

type Product = components['schemas']['Product']

export function productsPage(): HTMLElement {
  const list = h('div')
  const notice = h('div', { 'aria-live': 'polite' })
  const refresh = () =>
    loadInto(
      list,
      () => sx().GET('/v1/products', { params: { query: { limit: 100 } } }),
      (page) =>
        page.data.length === 0
          ? empty('No products yet.')
          : table(
              ['Name', 'Type', 'Price', 'Stock', 'Status', ''],
              page.data.map((p) => [
                p.name,
                p.type,
                money(p.price_cents, p.currency),
                p.stock === null ? 'unlimited' : String(p.stock),
                p.status,
                p.type === 'license_key' ? importForm(p, notice, refresh) : '',
              ]),
            ),
    )
  void refresh()
  return h('section', {}, h('h1', {}, 'Products'), createForm(notice, refresh), notice, h('h2', {}, 'Catalogue'), list)
}

function createForm(notice: HTMLElement, refresh: () => Promise<void>): HTMLFormElement {
  const name = h('input', { id: 'product-name', required: true, maxlength: 200 })
  const type = h(
    'select',
    { id: 'product-type' },
    h('option', { value: 'license_key' }, 'License key'),
    h('option', { value: 'file_download' }, 'File download'),
  )
  const price = h('input', { id: 'product-price', type: 'number', min: 0, step: '0.01', required: true })
  const currency = h('input', {
    id: 'product-currency',
    value: 'USD',
    pattern: '[A-Z]{3}',
    maxlength: 3,
    required: true,
  })
  const file = h('input', { id: 'product-file', type: 'file' })
  const fileRow = h('div', { hidden: true }, h('label', { for: 'product-file' }, 'File'), file)
  type.addEventListener('change', () => (fileRow.hidden = type.value !== 'file_download'))
  const button = h('button', { type: 'submit' }, 'Create product')
  const form = h(
    'form',
    { class: 'card grid' },
    h('h2', {}, 'New product'),
    h('label', { for: 'product-name' }, 'Name'),
    name,
    h('label', { for: 'product-type' }, 'Type'),
    type,
    h('label', { for: 'product-price' }, 'Price'),
    price,
    h('label', { for: 'product-currency' }, 'Currency'),
    currency,
    fileRow,
    button,
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    button.disabled = true
    try {
      const product = await sx().POST('/v1/products', {
        body: {
          name: name.value,
          type: type.value as Product['type'],
          price_cents: Math.round(Number(price.value) * 100),
          currency: currency.value,
        },
      })
      const upload = file.files?.[0]
      if (product.type === 'file_download' && upload) {
        await sx().PUT('/v1/products/{id}/file', {
          params: { path: { id: product.id }, query: { filename: upload.name } },
          body: upload as never,
          bodySerializer: (body: unknown) => body,
          headers: { 'content-type': 'application/octet-stream' },
        } as never)
      }
      notice.replaceChildren(h('p', { class: 'ok', role: 'status' }, `Created ${product.name}.`))
      form.reset()
      fileRow.hidden = true
      await refresh()
    } catch (error) {
      notice.replaceChildren(errorBox(error))
    } finally {
      button.disabled = false
    }
  })
  return form
}

/** Paste keys, one per line: the API trims them and reports duplicates. */
function importForm(product: Product, notice: HTMLElement, refresh: () => Promise<void>): HTMLElement {
  const id = `stock-${product.id}`
  const keys = h('textarea', { id, rows: 2, placeholder: 'One key per line' })
  const form = h(
    'form',
    { class: 'import' },
    h('label', { for: id }, `Add keys to ${product.name}`),
    keys,
    h('button', { type: 'submit' }, 'Import'),
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const items = keys.value
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
    if (items.length === 0) return
    try {
      const answer = await sx().POST('/v1/products/{id}/stock', {
        params: { path: { id: product.id } },
        body: { items },
      })
      notice.replaceChildren(
        h(
          'p',
          { class: 'ok', role: 'status' },
          `${product.name}: ${answer.imported} imported, ${answer.duplicates} skipped as duplicates, ${answer.stock_after} in stock.`,
        ),
      )
      await refresh()
    } catch (error) {
      notice.replaceChildren(errorBox(error))
    }
  })
  return form
}
