// The dashboard's entry: find the session (or show sign-in), then route /dashboard/... paths to
// pages in the browser. Links inside the app navigate without reloading; Back/Forward work. A session
// that ends meanwhile brings back sign-in; opened at another origin than PUBLIC_URL, it links there.
import './style.css'
import { SxError } from '@sx/sdk'
import { h } from './dom.ts'
import { apiKeysPage } from './pages/api-keys.ts'
import { customerPage, customersPage } from './pages/customers.ts'
import { homePage } from './pages/home.ts'
import { orderPage } from './pages/order.ts'
import { ordersPage } from './pages/orders.ts'
import { payoutsPage } from './pages/payouts.ts'
import { productPage } from './pages/product.ts'
import { productsPage } from './pages/products.ts'
import { forgotPasswordPage, resetPasswordPage } from './pages/reset-password.ts'
import { settingsPage } from './pages/settings.ts'
import { signInPage, wrongAddressPage } from './pages/sign-in.ts'
import { webhooksPage } from './pages/webhooks.ts'
import { anonymous, dashboardElsewhere, end, session, signedIn, start, sx, whenEnded, type Session } from './session.ts'
import { shell } from './shell.ts'
import { errorBox } from './view.ts'

const root = document.getElementById('app')!

/** Signed-in pages: a path under /dashboard, and the page for it (given the id in the path, if any). */
const ROUTES: [RegExp, (id: string) => HTMLElement][] = [
  [/^\/?$/, homePage],
  [/^\/products$/, productsPage],
  [/^\/products\/([^/]+)$/, productPage],
  [/^\/orders$/, ordersPage],
  [/^\/orders\/([^/]+)$/, orderPage],
  [/^\/customers$/, customersPage],
  [/^\/customers\/([^/]+)$/, customerPage],
  [/^\/payouts$/, payoutsPage],
  [/^\/webhooks$/, webhooksPage],
  [/^\/api-keys$/, apiKeysPage],
  [/^\/settings$/, settingsPage],
]

function pageFor(path: string): HTMLElement {
  const rest = path.slice('/dashboard'.length)
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(rest)
    if (match) return page(decodeURIComponent(match[1] ?? ''))
  }
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
    if (error instanceof SxError && error.status === 401) render()
    else root.replaceChildren(h('main', { class: 'centered' }, errorBox(error)))
  }
}
await boot()
