// Money races over real sockets: concurrent refunds of one order never exceed its total,
// concurrent payouts (and refunds) never overdraw the balance, and one Idempotency-Key sent by
// many clients at once makes one refund and one payout. The harness checks the ledger after.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, listen, startTestEnv, type TestEnv } from './harness.ts'
import { eventsOf } from './orders-helpers.ts'
import { MONEY_ENV, TRON_ADDRESS, balanceOf, paidOrder, settledPayout, settledRefund } from './money-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: money races`, () => {
    let env: TestEnv
    let base: string
    before(async () => {
      env = await startTestEnv(dialect, MONEY_ENV)
      base = await listen(env.app)
    })
    after(() => env.close())

    const post = async (secret: string, path: string, body: unknown, key: string = randomUUID()) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      })
      return { status: res.status, body: await res.json() }
    }
    const payoutBody = (amount_cents: number) => ({
      chain: 'tron',
      asset: 'USDT',
      amount_cents,
      destination_address: TRON_ADDRESS,
    })

    it('20 concurrent partial refunds of one order: the accepted ones fit its total, then 10 refunds of the rest: one', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const paid = await paidOrder(api)
      const partial = await Promise.all(
        Array.from({ length: 20 }, () => post(shop.keys.test, `/v1/orders/${paid.id}/refunds`, { amount_cents: 1500 })),
      )
      const statuses = partial.map((r) => r.status)
      assert.equal(statuses.filter((s) => s === 200).length, 8, `8 × 1500 fit in 12900: ${statuses}`)
      assert.equal(statuses.filter((s) => s === 422).length, 12)
      const rest = await Promise.all(
        Array.from({ length: 10 }, () => post(shop.keys.test, `/v1/orders/${paid.id}/refunds`, {})),
      )
      assert.deepEqual(rest.map((r) => r.status).sort(), [200, ...Array(9).fill(409)])
      assert.equal(rest.find((r) => r.status === 200)!.body.amount_cents, 900)
      const accepted = [...partial, ...rest].filter((r) => r.status === 200).map((r) => r.body)
      for (const r of accepted) assert.equal((await settledRefund(api, paid.id, r.id)).status, 'succeeded')
      const done = (await api.get(`/v1/orders/${paid.id}`)).json()
      assert.deepEqual([done.status, done.refunded_cents], ['refunded', 12900])
      assert.equal((await eventsOf(env, shop.shop.id)).filter((e) => e.type === 'order.refunded').length, 1)
    })

    it('30 concurrent payouts never overdraw: exactly what the balance holds goes out', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      await paidOrder(api)
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => post(shop.keys.test, '/v1/payouts', payoutBody(1000))),
      )
      const statuses = answers.map((a) => a.status)
      assert.equal(statuses.filter((s) => s === 201).length, 12, `12 × 1000 fit in 12900: ${statuses}`)
      assert.equal(statuses.filter((s) => s === 422).length, 18)
      for (const a of answers.filter((x) => x.status === 201))
        assert.equal((await settledPayout(api, a.body.id)).status, 'confirmed')
      const balance = await balanceOf(api)
      assert.deepEqual([balance.available_cents, balance.pending_cents], [900, 0])
    })

    it('payouts and a full refund racing for one balance: together they never take more than it holds', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const paid = await paidOrder(api)
      const answers = await Promise.all([
        post(shop.keys.test, `/v1/orders/${paid.id}/refunds`, {}),
        ...Array.from({ length: 14 }, () => post(shop.keys.test, '/v1/payouts', payoutBody(1000))),
      ])
      assert.ok(
        answers.every((a) => [200, 201, 422].includes(a.status)),
        answers.map((a) => a.status).join(),
      )
      const taken = answers.filter((a) => a.status < 300).reduce((sum, a) => sum + a.body.amount_cents, 0)
      // The balance fits the full refund or twelve payouts, never a mix: whoever commits first wins.
      const winners = answers.flatMap((a, i) => (a.status < 300 ? [i === 0 ? 'refund' : 'payout'] : []))
      const refundWon = winners.length === 1 && winners[0] === 'refund'
      const payoutsWon = winners.length === 12 && winners.every((w) => w === 'payout')
      assert.ok(refundWon || payoutsWon, `winners: ${winners.join()}`)
      assert.equal(taken, refundWon ? 12900 : 12000)
      assert.equal((await balanceOf(api)).available_cents, 12900 - taken)
    })

    it('one Idempotency-Key sent by 10 clients at once makes one payout and one refund', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const paid = await paidOrder(api)
      for (const [path, body, created] of [
        ['/v1/payouts', payoutBody(2500), 201],
        [`/v1/orders/${paid.id}/refunds`, { amount_cents: 2500 }, 200],
      ] as const) {
        const key = randomUUID()
        const answers = await Promise.all(Array.from({ length: 10 }, () => post(shop.keys.test, path, body, key)))
        assert.ok(
          answers.every((a) => a.status === created || a.status === 409),
          answers.map((a) => a.status).join(),
        )
        const ids = new Set(answers.filter((a) => a.status === created).map((a) => a.body.id))
        assert.equal(ids.size, 1, `one object for ${path}`)
      }
      assert.equal((await api.get('/v1/payouts')).json().data.length, 1)
      assert.equal((await api.get(`/v1/orders/${paid.id}/refunds`)).json().data.length, 1)
      const balance = await balanceOf(api)
      assert.equal(balance.available_cents, 12900 - 5000)
    })
  })
}
