// The dashboard's entry: find the session (or show sign-in), then route /dashboard/... paths to
// pages in the browser. Links inside the app navigate without reloading; Back/Forward work. A session
// that ends meanwhile brings back sign-in; opened at another origin than PUBLIC_URL, it links there.
import './style.css'
import { SxError } from '@sx/sdk'
import { h } from './dom.ts'
import { apiKeysPage } from './pages/api-keys.ts'
import { homePage } from './pages/home.ts'
import { orderPage } from './pages/order.ts'
import { ordersPage } from './pages/orders.ts'
import { productPage } from './pages/product.ts'
import { productsPage } from './pages/products.ts'
import { settingsPage } from './pages/settings.ts'
import { signInPage, wrongAddressPage } from './pages/sign-in.ts'
import { webhooksPage } from './pages/webhooks.ts'
import { anonymous, dashboardElsewhere, end, session, start, sx, whenEnded, type Session } from './session.ts'
import { shell } from './shell.ts'
import { errorBox } from './view.ts'

const root = document.getElementById('app')!

function pageFor(path: string): HTMLElement {
  const order = /^\/dashboard\/orders\/([^/]+)$/.exec(path)
  if (order) return orderPage(decodeURIComponent(order[1]!))
  if (path === '/dashboard/orders') return ordersPage()
  const product = /^\/dashboard\/products\/([^/]+)$/.exec(path)
  if (product) return productPage(decodeURIComponent(product[1]!))
  if (path === '/dashboard/products') return productsPage()
  if (path === '/dashboard/api-keys') return apiKeysPage()
  if (path === '/dashboard/webhooks') return webhooksPage()
  if (path === '/dashboard/settings') return settingsPage()
  if (path === '/dashboard' || path === '/dashboard/') return homePage()
  return h('section', {}, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '/dashboard' }, 'Back to Home')))
}

function render(): void {
  const path = location.pathname
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
whenEnded(() => {
  end()
  root.replaceChildren(
    signInPage(render, 'Your session has ended (signed out, or unused for too long). Sign in again.'),
  )
})

async function boot(): Promise<void> {
  const elsewhere = dashboardElsewhere()
  if (elsewhere) return void root.replaceChildren(wrongAddressPage(elsewhere))
  try {
    start((await anonymous.GET('/auth/session')) as Session)
    render()
  } catch (error) {
    root.replaceChildren(
      error instanceof SxError && error.status === 401
        ? signInPage(render)
        : h('main', { class: 'centered' }, errorBox(error)),
    )
  }
}
await boot()
