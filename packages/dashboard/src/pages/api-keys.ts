// API keys: the list (name, abilities, mode, last use), minting one with chosen abilities (its
// secret shown once, with a copy button), and revoking.
import { ABILITIES } from '@sx/sdk'
import { h } from '../dom.ts'
import { session, sx } from '../session.ts'
import { empty, errorBox, loadInto, secretNotice, table, when } from '../view.ts'

type Ability = (typeof ABILITIES)[number]

export function apiKeysPage(): HTMLElement {
  const list = h('div')
  const minted = h('div', { 'aria-live': 'polite' })
  const refresh = () =>
    loadInto(
      list,
      () => sx().GET('/v1/api-keys', { params: { query: { limit: 100 } } }),
      (page) =>
        page.data.length === 0
          ? empty('No API keys yet.')
          : table(
              ['Name', 'Abilities', 'Mode', 'Last used', ''],
              page.data.map((key) => [
                key.name,
                key.abilities.join(', '),
                key.mode,
                when(key.last_used_at),
                h(
                  'button',
                  { type: 'button', class: 'danger', onclick: () => revoke(key.id, key.name) },
                  `Revoke ${key.name}`,
                ),
              ]),
            ),
    )
  const revoke = async (id: string, name: string) => {
    if (!confirm(`Revoke “${name}”? Requests with it fail at once.`)) return
    try {
      await sx().DELETE('/v1/api-keys/{id}', { params: { path: { id } } })
      await refresh()
    } catch (error) {
      minted.replaceChildren(errorBox(error))
    }
  }
  void refresh()
  return h('section', {}, h('h1', {}, 'API keys'), createForm(minted, refresh), minted, h('h2', {}, 'Keys'), list)
}

function createForm(minted: HTMLElement, refresh: () => Promise<void>): HTMLFormElement {
  const name = h('input', { id: 'key-name', name: 'name', required: true, maxlength: 100 })
  const boxes = ABILITIES.map((ability) => h('input', { type: 'checkbox', name: 'abilities', value: ability }))
  const button = h('button', { type: 'submit' }, 'Create key')
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, `New ${session().livemode ? 'live' : 'test'} key`),
    h('label', { for: 'key-name' }, 'Name'),
    name,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Abilities'),
      boxes.map((box) => h('label', { class: 'check' }, box, box.value)),
    ),
    button,
  )
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const abilities = boxes.filter((box) => box.checked).map((box) => box.value as Ability)
    if (abilities.length === 0) return minted.replaceChildren(errorBox(new Error('Pick at least one ability.')))
    button.disabled = true
    try {
      const key = await sx().POST('/v1/api-keys', {
        body: { name: name.value, abilities, mode: session().livemode ? 'live' : 'test' },
      })
      minted.replaceChildren(secretNotice(key.secret ?? ''))
      form.reset()
      await refresh()
    } catch (error) {
      minted.replaceChildren(errorBox(error))
    } finally {
      button.disabled = false
    }
  })
  return form
}
