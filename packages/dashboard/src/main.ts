// The dashboard's entry: find the session (or show sign-in), then route /dashboard/... paths to
// pages in the browser. Links inside the app navigate without reloading; Back/Forward work.
import './style.css'
import { SxError } from '@sx/sdk'
import { h } from './dom.ts'
import { apiKeysPage } from './pages/api-keys.ts'
import { customerPage, customersPage } from './pages/customers.ts'
import { homePage } from './pages/home.ts'
import { orderPage, ordersPage } from './pages/orders.ts'
import { payoutsPage } from './pages/payouts.ts'
import { productsPage } from './pages/products.ts'
import { forgotPasswordPage, resetPasswordPage } from './pages/reset-password.ts'
import { signInPage } from './pages/sign-in.ts'
import { anonymous, end, session, signedIn, start, sx, type Session } from './session.ts'
import { shell } from './shell.ts'
import { errorBox } from './view.ts'

const root = document.getElementById('app')!

function pageFor(path: string): HTMLElement {
  const order = /^\/dashboard\/orders\/([^/]+)$/.exec(path)
  if (order) return orderPage(decodeURIComponent(order[1]!))
  if (path === '/dashboard/orders') return ordersPage()
  if (path === '/dashboard/products') return productsPage()
  const customer = /^\/dashboard\/customers\/([^/]+)$/.exec(path)
  if (customer) return customerPage(decodeURIComponent(customer[1]!))
  if (path === '/dashboard/customers') return customersPage()
  if (path === '/dashboard/payouts') return payoutsPage()
  if (path === '/dashboard/api-keys') return apiKeysPage()
  if (path === '/dashboard' || path === '/dashboard/') return homePage()
  return h('section', {}, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '/dashboard' }, 'Back to Home')))
}

/** Pages for a forgotten password, which work signed out (and signed in: a mailed link may open anywhere). */
function passwordPageFor(path: string): HTMLElement | null {
  if (path === '/dashboard/forgot-password') return forgotPasswordPage()
  if (path !== '/dashboard/reset-password') return null
  return resetPasswordPage(() => {
    end()
    history.replaceState(null, '', '/dashboard')
    root.replaceChildren(signInPage(render, 'Your password is changed: sign in with the new one.'))
  })
}

function render(): void {
  const path = location.pathname
  const passwordPage = passwordPageFor(path)
  if (passwordPage) return root.replaceChildren(passwordPage)
  if (!signedIn()) return root.replaceChildren(signInPage(render))
  root.replaceChildren(shell(path, pageFor(path), { rerender: render, signOut }))
  document.title = `${session().shop.name} · sx`
}

async function signOut(): Promise<void> {
  try {
    await sx().POST('/auth/sign-out')
  } catch {
    // Signed out already (expired): the sign-in page is right either way.
  }
  end()
  root.replaceChildren(signInPage(render))
}

// Same-origin links under /dashboard are handled here; the rest (and modified clicks) go to the browser.
document.addEventListener('click', (event) => {
  const link = (event.target as Element).closest?.('a')
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return
  const url = new URL(link.href)
  if (url.origin !== location.origin || !url.pathname.startsWith('/dashboard')) return
  event.preventDefault()
  history.pushState(null, '', url.pathname)
  render()
  document.getElementById('main')?.focus()
})
window.addEventListener('popstate', render)

try {
  start((await anonymous.GET('/auth/session')) as Session)
  render()
} catch (error) {
  if (error instanceof SxError && error.status === 401) render()
  else root.replaceChildren(h('main', { class: 'centered' }, errorBox(error)))
}
