// The balance per currency as tiles (available, and pending on its way out): Home and Payouts show it.
import type { operations } from '@sx/sdk'
import { h } from '../dom.ts'
import { empty, money } from '../view.ts'

export type Balance = operations['getBalance']['responses'][200]['content']['application/json']

export function balanceTiles(answer: Balance): Node {
  return answer.balances.length === 0
    ? empty('No money received yet: paid orders add to the balance.')
    : h(
        'ul',
        { class: 'tiles' },
        answer.balances.map((b) =>
          h(
            'li',
            { class: 'tile' },
            h('span', { class: 'label' }, `Available ${b.currency}`),
            h('strong', {}, money(b.available_cents, b.currency)),
            h('span', { class: 'muted' }, `${money(b.pending_cents, b.currency)} pending`),
          ),
        ),
      )
}
