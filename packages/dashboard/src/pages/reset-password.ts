// Signed-out pages for a forgotten password: asking for a reset link by email ("Forgot password?"
// on sign-in), and the page the mailed link opens (/dashboard/reset-password#token=…), which sets
// the new password and sends the owner to sign in with it. The token rides in the fragment, which
// no request carries; it is taken out of the address bar as soon as it is read.
import { h } from '../dom.ts'
import { anonymous } from '../session.ts'
import { onSubmit } from '../forms.ts'
import { errorBox } from '../view.ts'

const backToSignIn = () => h('p', {}, h('a', { href: '/dashboard' }, 'Back to sign in'))

export function forgotPasswordPage(): HTMLElement {
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true })
  const status = h('div', { 'aria-live': 'polite' })
  const button = h('button', { type: 'submit' }, 'Send reset link')
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'forgot-title' },
    h('h1', { id: 'forgot-title' }, 'Reset your password'),
    h('p', { class: 'muted' }, 'We email the owner of this address a link to choose a new password.'),
    h('label', { for: 'email' }, 'Email'),
    email,
    status,
    button,
    backToSignIn(),
  )
  onSubmit(
    form,
    button,
    async () => {
      status.replaceChildren()
      await anonymous.POST('/auth/password-reset', { body: { email: email.value } })
      status.replaceChildren(
        h(
          'p',
          { class: 'ok', role: 'status' },
          `If ${email.value} is a shop owner's email, a reset link is on its way. It works once, for a limited time.`,
        ),
      )
    },
    (error) => status.replaceChildren(errorBox(error)),
  )
  queueMicrotask(() => email.focus())
  return h('main', { class: 'centered' }, form)
}

/** `done` runs once the password is set (every session of the owner has just been signed out). */
export function resetPasswordPage(done: () => void): HTMLElement {
  const token = new URLSearchParams(location.hash.slice(1)).get('token')
  if (token) history.replaceState(null, '', location.pathname)
  const password = h('input', {
    id: 'new-password',
    name: 'password',
    type: 'password',
    autocomplete: 'new-password',
    minlength: 8,
    required: true,
    'aria-describedby': 'new-password-hint',
  })
  const status = h('div', { 'aria-live': 'polite' })
  const button = h('button', { type: 'submit' }, 'Set new password')
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'reset-title' },
    h('h1', { id: 'reset-title' }, 'Choose a new password'),
    token
      ? null
      : errorBox(new Error('This link has no reset token. Open the link from the email again, or ask for a new one.')),
    h('label', { for: 'new-password' }, 'New password'),
    password,
    h('p', { id: 'new-password-hint', class: 'muted' }, 'At least 8 characters.'),
    status,
    button,
    h('p', {}, h('a', { href: '/dashboard/forgot-password' }, 'Ask for a new link')),
    backToSignIn(),
  )
  onSubmit(
    form,
    button,
    async () => {
      status.replaceChildren()
      await anonymous.POST('/auth/password-reset/confirm', { body: { token: token ?? '', password: password.value } })
      done()
    },
    (error) => status.replaceChildren(errorBox(error)),
  )
  queueMicrotask(() => password.focus())
  return h('main', { class: 'centered' }, form)
}
