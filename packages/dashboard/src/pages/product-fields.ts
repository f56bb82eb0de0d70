// The form parts the product pages share: labelled fields, the type and status choices, and the
// Markdown description editor with its live preview.
import type { components } from '@sx/sdk'
import { h } from '../dom.ts'
import { field as labelledField, type Control } from '../forms.ts'

export type Product = components['schemas']['Product']
export type ProductType = Product['type']
export type ProductStatus = Product['status']

export const TYPE_LABELS: Record<ProductType, string> = {
  license_key: 'License key',
  account: 'Account',
  file_download: 'File download',
  dynamic: 'Dynamic (your endpoint)',
  physical: 'Physical goods',
  subscription: 'Subscription',
}
/** Types whose stock is a pool of items imported one per line. */
export const POOL_TYPES: ReadonlySet<ProductType> = new Set(['license_key', 'account'])
export const INTERVALS = ['day', 'week', 'month', 'year'] as const

/** A label and its control (and an optional hint the control is described by), without field errors. */
export const field = (label: string, control: Control, hint?: string): HTMLElement =>
  labelledField(control.id, label, control, hint).row

export function choice(id: string, options: [string, string][], value?: string): HTMLSelectElement {
  const select = h(
    'select',
    { id },
    options.map(([v, text]) => h('option', { value: v }, text)),
  )
  if (value !== undefined) select.value = value
  return select
}

const statusChoice = (id: string, value: ProductStatus) =>
  choice(
    id,
    [
      ['active', 'Active (on sale)'],
      ['draft', 'Draft (hidden)'],
      ['archived', 'Archived'],
    ],
    value,
  )

/** Dollars and cents as typed (`4.50`) to cents; NaN when it is not a price. */
export const toCents = (text: string) => (text.trim() === '' ? NaN : Math.round(Number(text) * 100))
/** A stock counter as typed: empty is unlimited (null). */
export const toStock = (text: string) => (text.trim() === '' ? null : Number(text))

/** The description textarea with a preview rendered as the storefront will, updated as you type. */
function descriptionEditor(id: string, value: string): { element: HTMLElement; textarea: HTMLTextAreaElement } {
  const textarea = h('textarea', { id, rows: 8, maxlength: 20_000 })
  textarea.value = value
  const preview = h('div', { class: 'markdown', id: `${id}-preview`, 'data-testid': 'description-preview' })
  // The renderer is loaded with the first product form (a chunk of its own: most of the bundle's weight).
  const renderer = import('../markdown.ts')
  const show = async () => {
    if (textarea.value.trim() === '')
      return preview.replaceChildren(h('p', { class: 'muted' }, 'The preview appears as you type.'))
    const { renderMarkdown } = await renderer
    preview.replaceChildren(renderMarkdown(textarea.value))
  }
  textarea.addEventListener('input', () => void show())
  void show()
  return {
    textarea,
    element: h(
      'div',
      { class: 'editor' },
      field('Description', textarea, 'Markdown: **bold**, _italic_, lists, [links](https://example.com). No HTML.'),
      h('section', { 'aria-label': 'Description preview' }, h('h3', {}, 'Preview'), preview),
    ),
  }
}

/**
 * The inputs both product forms have (create: empty; edit: `product`'s values), each wrapped in its
 * labelled field; a form shows the ones its type takes.
 */
export function productInputs(product?: Product) {
  const name = h('input', { id: 'product-name', required: true, maxlength: 200, value: product?.name })
  const price = h('input', {
    id: 'product-price',
    type: 'number',
    min: 0,
    step: '0.01',
    required: true,
    value: product ? (product.price_cents / 100).toFixed(2) : undefined,
  })
  const status = statusChoice('product-status', product?.status ?? 'active')
  const stock = h('input', { id: 'product-stock', type: 'number', min: 0, step: 1, value: product?.stock ?? undefined })
  const dynamicUrl = h('input', {
    id: 'product-dynamic-url',
    type: 'url',
    maxlength: 2048,
    value: product?.dynamic_url ?? undefined,
  })
  return {
    name,
    price,
    status,
    stock,
    dynamicUrl,
    description: descriptionEditor('product-description', product?.description ?? ''),
    fields: {
      name: field('Name', name),
      status: field('Status', status, 'Draft and archived products cannot be ordered.'),
      stock: field('Stock', stock, 'Units you have; leave empty for unlimited.'),
      dynamicUrl: field('Delivery URL', dynamicUrl, 'sx POSTs each paid order here and delivers what it answers.'),
    },
  }
}
