// Payouts: the balance per currency, sending some of it to the shop's own address, and the
// history. The address is checked as it is typed with the server's own check
// (`isValidDestination`, bundled from packages/server: one copy of the rules per chain), so the
// button stays disabled until the server would take it. In test mode the sandbox takes every chain
// and asset sx pays in, and bitcoin testnet addresses; nothing moves on a chain.
import type { operations } from '@sx/sdk'
import { isValidDestination } from '../../../server/src/modules/payments/addresses.ts'
import { assetsOf, CHAINS, type Chain } from '../../../server/src/modules/payments/chains.ts'
import { h } from '../dom.ts'
import { session, sx } from '../session.ts'
import { onSubmit } from '../forms.ts'
import { empty, errorBox, loadInto, money, table, when } from '../view.ts'
import { balanceTiles, type Balance } from './balance.ts'

type Payout = operations['listPayouts']['responses'][200]['content']['application/json']['data'][number]

/** How often the history is read again while a payout is on its way. */
const POLL_MS = 2000

export function payoutsPage(): HTMLElement {
  const balance = h('div')
  const form = h('div')
  const history = h('div')
  let poll: ReturnType<typeof setTimeout> | undefined
  /** `quiet`: a refresh while payouts are on their way, which keeps the tables shown meanwhile. */
  const refresh = (quiet = false) =>
    Promise.all([
      loadInto(
        balance,
        () => sx().GET('/v1/balance'),
        (answer) => {
          if (!form.hasChildNodes() && answer.balances.length > 0) form.append(payoutForm(answer, refresh))
          return balanceTiles(answer)
        },
        { quiet },
      ),
      loadInto(
        history,
        () => sx().GET('/v1/payouts', { params: { query: { limit: 50 } } }),
        (page) => {
          clearTimeout(poll)
          if (page.data.some((p) => p.status === 'queued' || p.status === 'broadcast'))
            poll = setTimeout(() => history.isConnected && void refresh(true), POLL_MS)
          return page.data.length === 0 ? empty('No payouts yet: request one above.') : historyTable(page.data)
        },
        { quiet },
      ),
    ])
  void refresh()
  return h(
    'section',
    {},
    h('h1', {}, 'Payouts'),
    h('h2', {}, 'Balance'),
    balance,
    form,
    h('h2', {}, 'History'),
    history,
  )
}

function historyTable(payouts: Payout[]): Node {
  return table(
    ['Created', 'Amount', 'Sent', 'To', 'Status', 'Transaction'],
    payouts.map((p) => [
      when(p.created_at),
      money(p.amount_cents, p.currency),
      `${p.amount} ${p.asset} on ${p.chain}`,
      h('span', { class: 'mono' }, p.destination_address),
      p.failure_reason ? `${p.status}: ${p.failure_reason}` : p.status,
      h('span', { class: 'mono' }, p.tx_hash ?? '—'),
    ]),
  )
}

/** "12.34" → 1234; anything else (more than two decimals, signs, letters) → null. */
function toCents(text: string): number | null {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim())
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null
}

function payoutForm(balance: Balance, refresh: () => Promise<unknown>): HTMLElement {
  const { livemode } = session()
  const field = (id: string, label: string, input: HTMLElement) => [h('label', { for: id }, label), input]
  const amount = h('input', { id: 'payout-amount', inputmode: 'decimal', autocomplete: 'off', required: true })
  const currency = h(
    'select',
    { id: 'payout-currency' },
    balance.balances.map((b) => h('option', { value: b.currency }, b.currency)),
  )
  const chain = h(
    'select',
    { id: 'payout-chain' },
    CHAINS.map((c) => h('option', { value: c }, c)),
  )
  const asset = h('select', { id: 'payout-asset' })
  const address = h('input', {
    id: 'payout-address',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'payout-address-check',
  })
  const check = h('p', { id: 'payout-address-check', class: 'muted', 'aria-live': 'polite' })
  const status = h('div', { 'aria-live': 'polite' })
  const button = h('button', { type: 'submit', disabled: true }, 'Request payout')

  const fillAssets = () =>
    asset.replaceChildren(...assetsOf(chain.value as Chain).map((a) => h('option', { value: a.asset }, a.asset)))
  const validate = () => {
    const typed = address.value.trim()
    const valid = typed !== '' && isValidDestination(chain.value as Chain, typed, livemode)
    address.setAttribute('aria-invalid', String(typed !== '' && !valid))
    check.className = typed === '' ? 'muted' : valid ? 'ok' : 'error'
    check.textContent =
      typed === ''
        ? `The ${chain.value} address to send to.`
        : valid
          ? `A valid ${chain.value} address.`
          : `Not a valid ${chain.value} address.`
    button.disabled = !valid || toCents(amount.value) === null
  }
  chain.addEventListener('change', () => {
    fillAssets()
    validate()
  })
  address.addEventListener('input', validate)
  amount.addEventListener('input', validate)
  fillAssets()
  validate()

  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'payout-title' },
    h('h2', { id: 'payout-title' }, 'Request a payout'),
    livemode
      ? null
      : h('p', { class: 'muted' }, 'Test mode: the sandbox confirms payouts; nothing is sent on a chain.'),
    field('payout-amount', 'Amount', amount),
    field('payout-currency', 'From balance', currency),
    field('payout-chain', 'Chain', chain),
    field('payout-asset', 'Asset', asset),
    field('payout-address', 'Destination address', address),
    check,
    status,
    button,
  )
  onSubmit(
    form,
    button,
    async () => {
      status.replaceChildren()
      const cents = toCents(amount.value)
      if (cents === null) return
      await sx().POST('/v1/payouts', {
        body: {
          amount_cents: cents,
          currency: currency.value,
          chain: chain.value as Chain,
          asset: asset.value,
          destination_address: address.value.trim(),
        },
      })
      amount.value = ''
      address.value = ''
      validate()
      await refresh()
    },
    (error) => status.replaceChildren(errorBox(error)),
  )
  return form
}
