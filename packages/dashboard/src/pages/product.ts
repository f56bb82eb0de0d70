// One product's page (/dashboard/products/{id}): edit what PATCH takes (name, price, status, the
// Markdown description with its preview, a physical product's stock, a dynamic product's
// endpoint), import a pool product's stock, replace a file product's file.
import { h } from '../dom.ts'
import { sx } from '../session.ts'
import { cardForm } from '../forms.ts'
import { loadInto, money, when } from '../view.ts'
import { fileForm } from './product-file.ts'
import { POOL_TYPES, TYPE_LABELS, productInputs, field, toCents, toStock, type Product } from './product-fields.ts'
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
  const { name, price, status, stock, dynamicUrl, description, fields } = productInputs(product)
  const button = h('button', { type: 'submit' }, 'Save changes')
  const parts = [
    fields.name,
    field('Price', price, `In ${product.currency}.`),
    fields.status,
    product.type === 'physical' ? fields.stock : null,
    product.type === 'dynamic' ? fields.dynamicUrl : null,
    description.element,
  ]
  return cardForm('Details', button, parts, async (result) => {
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
    const answer = await sx().PATCH('/v1/products/{id}', { params: { path: { id: product.id } }, body: changes })
    saved = { ...saved, ...changes, updated_at: answer.updated_at }
    title.textContent = saved.name
    const what = `${money(saved.price_cents, saved.currency)}, ${saved.status}`
    result.replaceChildren(h('p', { class: 'ok', role: 'status' }, `Saved ${saved.name} (${what}).`))
  })
}
