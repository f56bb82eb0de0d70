// Sign in with the owner's login (`sx init` prints it). Wrong password (401) and too many tries
// (429) show the server's message; `notice` says why a session ended. At an address other than
// PUBLIC_URL's, the wrong-address page stands in (signing in there would be refused).
import { h } from '../dom.ts'
import { onSubmit } from '../forms.ts'
import { anonymous, start, type Session } from '../session.ts'
import { errorBox } from '../view.ts'

/** `notice`: why the owner is here (their session ended, their password was just reset). */
export function signInPage(onSignedIn: () => void, notice?: string): HTMLElement {
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true })
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  })
  const status = h('div', { 'aria-live': 'polite' }, notice ? h('p', { class: 'ok', role: 'status' }, notice) : null)
  const button = h('button', { type: 'submit' }, 'Sign in')
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to sx'),
    h('label', { for: 'email' }, 'Email'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    status,
    button,
    h('p', {}, h('a', { href: '/dashboard/forgot-password' }, 'Forgot password?')),
  )
  onSubmit(
    form,
    button,
    async () => {
      status.replaceChildren()
      const session = await anonymous.POST('/auth/sign-in', { body: { email: email.value, password: password.value } })
      start(session as Session)
      onSignedIn()
    },
    (error) => {
      status.replaceChildren(errorBox(error))
      password.focus()
    },
  )
  queueMicrotask(() => email.focus())
  return h('main', { class: 'centered' }, form)
}

export function wrongAddressPage(dashboardUrl: string): HTMLElement {
  return h(
    'main',
    { class: 'centered' },
    h(
      'section',
      { class: 'card sign-in', 'aria-labelledby': 'elsewhere-title' },
      h('h1', { id: 'elsewhere-title' }, 'Open the dashboard at its own address'),
      h(
        'p',
        {},
        'This server accepts sign-in only at the address it was set up with (PUBLIC_URL). ',
        'Open the dashboard at ',
        h('a', { href: dashboardUrl }, dashboardUrl),
        '.',
      ),
    ),
  )
}
