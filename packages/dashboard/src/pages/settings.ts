// Settings: the shop's name, support email, logo and brand colour (PATCH /v1/shop; the checkout
// page and the order emails use them), and changing the owner's password (/auth/password).
import type { paths } from '@sx/sdk'
import { h } from '../dom.ts'
import { clearFieldErrors, field, onSubmit, showFieldErrors, type Field } from '../forms.ts'
import { renameShop, sx } from '../session.ts'
import { loadInto } from '../view.ts'

type Shop = paths['/v1/shop']['get']['responses'][200]['content']['application/json']
type ShopChanges = paths['/v1/shop']['patch']['requestBody']['content']['application/json']
const HEX = /^#[0-9a-fA-F]{6}$/
/** What the picker starts at without a brand colour: the checkout page's own accent (order-page.styles.ts). */
const CHECKOUT_ACCENT = '#3451d1'

export function settingsPage(): HTMLElement {
  const shopForm = h('div')
  void loadInto(shopForm, () => sx().GET('/v1/shop'), shopSettingsForm)
  return h('section', {}, h('h1', {}, 'Settings'), shopForm, passwordForm())
}

function shopSettingsForm(shop: Shop): HTMLFormElement {
  const name = h('input', { id: 'shop-name', required: true, maxlength: 120, value: shop.name })
  const email = h('input', { id: 'shop-email', type: 'email', maxlength: 254, value: shop.support_email ?? '' })
  const logo = h('input', { id: 'shop-logo', type: 'url', maxlength: 2048, value: shop.logo_url ?? '' })
  const color = h('input', { id: 'shop-color', type: 'color', value: shop.brand_color ?? CHECKOUT_ACCENT })
  const hex = h('input', { id: 'shop-color-hex', pattern: HEX.source, maxlength: 7, value: shop.brand_color ?? '' })
  // The picker and the text show one value; an empty text field means "no brand colour".
  color.addEventListener('input', () => (hex.value = color.value))
  hex.addEventListener('input', () => HEX.test(hex.value) && (color.value = hex.value))
  const fields: Field[] = [
    field('name', 'Shop name', name),
    field('support_email', 'Support email', email, 'Shown to buyers; leave empty for none.'),
    field('logo_url', 'Logo URL', logo, 'An https:// image, about 40 px high; empty for none.'),
    field(
      'brand_color',
      'Brand colour (hex)',
      hex,
      '#rrggbb for buttons and links on the checkout page and in emails; empty for the default.',
    ),
  ]
  const notice = h('div', { 'aria-live': 'polite' })
  const button = h('button', { type: 'submit' }, 'Save settings')
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, 'Shop'),
    fields.slice(0, 3).map((f) => f.row),
    h('label', { for: 'shop-color' }, 'Brand colour'),
    color,
    fields[3]!.row,
    button,
    notice,
  )
  const orNull = (input: HTMLInputElement) => input.value.trim() || null
  const save = async () => {
    const changes: ShopChanges = {
      name: name.value,
      support_email: orNull(email),
      logo_url: orNull(logo),
      brand_color: orNull(hex),
    }
    const saved = await sx().PATCH('/v1/shop', { body: changes })
    clearFieldErrors(fields)
    renameShop(saved.name)
    notice.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Settings saved.'))
  }
  onSubmit(form, button, save, (error) => showFieldErrors(error, notice, fields))
  return form
}

function passwordForm(): HTMLFormElement {
  const current = h('input', {
    id: 'current-password',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
  })
  const next = h('input', {
    id: 'new-password',
    type: 'password',
    required: true,
    minlength: 8,
    autocomplete: 'new-password',
  })
  const fields = [
    field('current_password', 'Current password', current),
    field('new_password', 'New password', next, 'At least 8 characters. Your other sessions are signed out.'),
  ]
  const notice = h('div', { 'aria-live': 'polite' })
  const button = h('button', { type: 'submit' }, 'Change password')
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, 'Password'),
    fields.map((f) => f.row),
    button,
    notice,
  )
  const change = async () => {
    await sx().POST('/auth/password', { body: { current_password: current.value, new_password: next.value } })
    clearFieldErrors(fields)
    form.reset()
    notice.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Password changed.'))
  }
  onSubmit(form, button, change, (error) => showFieldErrors(error, notice, fields))
  return form
}
