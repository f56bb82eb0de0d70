// One product's page (/dashboard/products/{id}): edit what PATCH takes (name, price, status, the
// Markdown description with its preview, a physical product's stock, a dynamic product's
// endpoint), import a pool product's stock, replace a file product's file.
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { errorBox, loadInto, money, when } from '../view.ts'
import { fileForm } from './product-file.ts'
import {
  POOL_TYPES,
  TYPE_LABELS,
  descriptionEditor,
  field,
  statusChoice,
  toCents,
  toStock,
  type Product,
} from './product-fields.ts'
import { stockImportForm } from './stock-import.ts'

export function productPage(id: string): HTMLElement {
  const title = h('h1', {}, 'Product')
  const body = h('div')
  void loadInto(
    body,
    () => sx().GET('/v1/products/{id}', { params: { path: { id } } }),
    (product) => {
      title.textContent = product.name
      return productEditor(product, title)
    },
  )
  return h('section', {}, h('p', {}, h('a', { href: '/dashboard/products' }, '← Products')), title, body)
}

function productEditor(product: Product, title: HTMLElement): Node {
  const stock = h(
    'dd',
    { 'data-testid': 'product-stock' },
    product.stock === null ? 'unlimited' : String(product.stock),
  )
  const facts = h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Type'),
    h('dd', {}, TYPE_LABELS[product.type]),
    h('dt', {}, 'Currency'),
    h('dd', {}, product.currency),
    product.interval ? [h('dt', {}, 'Billing interval'), h('dd', {}, `Every ${product.interval}`)] : null,
    POOL_TYPES.has(product.type) ? [h('dt', {}, 'Stock'), stock] : null,
    h('dt', {}, 'Updated'),
    h('dd', {}, when(product.updated_at)),
  )
  return h(
    'div',
    {},
    facts,
    detailsForm(product, title),
    POOL_TYPES.has(product.type) ? stockImportForm(product, false, (n) => (stock.textContent = String(n))) : null,
    product.type === 'file_download' ? fileForm(product) : null,
  )
}

function detailsForm(product: Product, title: HTMLElement): HTMLFormElement {
  let saved = product
  const name = h('input', { id: 'product-name', required: true, maxlength: 200, value: product.name })
  const price = h('input', {
    id: 'product-price',
    type: 'number',
    min: 0,
    step: '0.01',
    required: true,
    value: (product.price_cents / 100).toFixed(2),
  })
  const status = statusChoice('product-status', product.status)
  const description = descriptionEditor('product-description', product.description ?? '')
  const stock = h('input', { id: 'product-stock', type: 'number', min: 0, step: 1, value: product.stock ?? undefined })
  const dynamicUrl = h('input', {
    id: 'product-dynamic-url',
    type: 'url',
    maxlength: 2048,
    required: true,
    value: product.dynamic_url ?? undefined,
  })
  const result = h('div', { 'aria-live': 'polite' })
  const button = h('button', { type: 'submit' }, 'Save changes')
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, 'Details'),
    field('Name', name),
    field('Price', price, `In ${product.currency}.`),
    field('Status', status, 'Draft and archived products cannot be ordered.'),
    product.type === 'physical' ? field('Stock', stock, 'Units you have; leave empty for unlimited.') : null,
    product.type === 'dynamic'
      ? field('Delivery URL', dynamicUrl, 'Its signing secret stays the one shown when you created it.')
      : null,
    description.element,
    button,
    result,
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    // PATCH only what changed (it answers the changed fields).
    const wanted = {
      name: name.value,
      price_cents: toCents(price.value),
      status: status.value as Product['status'],
      description: description.textarea.value.trim() === '' ? null : description.textarea.value,
      ...(product.type === 'physical' ? { stock: toStock(stock.value) } : {}),
      ...(product.type === 'dynamic' ? { dynamic_url: dynamicUrl.value } : {}),
    }
    const changes = Object.fromEntries(
      Object.entries(wanted).filter(([key, value]) => saved[key as keyof Product] !== value),
    ) as typeof wanted
    if (Object.keys(changes).length === 0) {
      result.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Nothing changed.'))
      return
    }
    button.disabled = true
    try {
      const answer = await sx().PATCH('/v1/products/{id}', { params: { path: { id: product.id } }, body: changes })
      saved = { ...saved, ...changes, updated_at: answer.updated_at }
      title.textContent = saved.name
      result.replaceChildren(
        h(
          'p',
          { class: 'ok', role: 'status' },
          `Saved ${saved.name} (${money(saved.price_cents, saved.currency)}, ${saved.status}).`,
        ),
      )
    } catch (error) {
      result.replaceChildren(errorBox(error))
    } finally {
      button.disabled = false
    }
  })
  return form
}
