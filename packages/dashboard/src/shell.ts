// The signed-in frame: navigation, the test-mode switch and banner, sign out, and the page.
import { h } from './dom.ts'
import { session, start, sx, type Session } from './session.ts'
import { errorBox } from './view.ts'

/** The pages, in nav order. */
const NAV = [
  { path: '/dashboard', label: 'Home' },
  { path: '/dashboard/products', label: 'Products' },
  { path: '/dashboard/orders', label: 'Orders' },
  { path: '/dashboard/customers', label: 'Customers' },
  { path: '/dashboard/payouts', label: 'Payouts' },
  { path: '/dashboard/webhooks', label: 'Webhooks' },
] as const
const DEVELOPERS = [{ path: '/dashboard/api-keys', label: 'API keys' }] as const

export function shell(path: string, page: HTMLElement, actions: { rerender(): void; signOut(): void }): HTMLElement {
  const { livemode, shop, owner } = session()
  const link = (item: { path: string; label: string }) => {
    const current = item.path === '/dashboard' ? path === item.path : path.startsWith(item.path)
    return h('li', {}, h('a', { href: item.path, 'aria-current': current ? 'page' : undefined }, item.label))
  }
  const problem = h('div', { 'aria-live': 'polite' })
  const toggle = h('input', { type: 'checkbox', id: 'test-mode', role: 'switch', checked: !livemode })
  toggle.addEventListener('change', async () => {
    toggle.disabled = true
    try {
      const next = await sx().POST('/auth/mode', { body: { livemode: !toggle.checked } })
      start(next as Session)
      actions.rerender()
    } catch (error) {
      toggle.checked = !toggle.checked
      toggle.disabled = false
      problem.replaceChildren(errorBox(error))
    }
  })
  return h(
    'div',
    { class: livemode ? 'app' : 'app test-mode' },
    livemode ? null : h('div', { class: 'banner', role: 'note' }, 'Test mode: you are viewing test data.'),
    h(
      'header',
      { class: 'top' },
      h('strong', { class: 'shop', id: 'shell-shop-name' }, shop.name),
      h('label', { class: 'switch', for: 'test-mode' }, toggle, 'Test mode'),
      h('span', { class: 'muted owner' }, owner.email),
      h('button', { type: 'button', onclick: actions.signOut }, 'Sign out'),
    ),
    problem,
    h(
      'nav',
      { 'aria-label': 'Main' },
      h('ul', {}, NAV.map(link)),
      h('h2', { class: 'nav-heading' }, 'Developers'),
      h('ul', {}, DEVELOPERS.map(link)),
      h('ul', { class: 'nav-last' }, link({ path: '/dashboard/settings', label: 'Settings' })),
    ),
    h('main', { id: 'main', tabindex: -1 }, page),
  )
}
