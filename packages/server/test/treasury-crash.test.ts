// Kill -9 of a real `sx worker` between signing a payout and broadcasting it (SX_BROADCAST_DELAY_MS
// widens the window): the signed bytes were recorded first, so the next worker broadcasts those same
// bytes — one transaction from the treasury, one transfer on chain, the exact amount, never a second
// nonce (research/crypto.md §6.2).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Address, Hex } from 'viem'
import { DIALECTS, client, startTestEnv, type TestEnv } from './harness.ts'
import { idempotent } from './money-helpers.ts'
import { runSx, waitFor } from './processes.ts'
import { chainEnv, freshAddress, fund, paidLiveOrder, treasuryRig, type Rig } from './treasury-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: kill -9 between signing and broadcasting a payout`, () => {
    let env: TestEnv
    let r: Rig
    let treasury: Address
    let settings: Record<string, string>
    before(async () => {
      r = await treasuryRig()
      const made = chainEnv(r, { SX_WORKER: 'off' })
      settings = made.settings
      treasury = made.treasury
      env = await startTestEnv(dialect, settings)
      await fund(r, treasury, { usdt: 100n, eth: '1' })
    })
    after(() => env.close())

    it('the restarted worker broadcasts the same signed bytes: exactly one transfer on chain', async () => {
      const shop = await env.newShop()
      const { live } = await paidLiveOrder(env, shop.keys.live, 5000)
      const to = freshAddress()
      const created = await live.post(
        '/v1/payouts',
        { chain: 'ethereum', asset: 'USDT', amount_cents: 3000, destination_address: to },
        idempotent(),
      )
      assert.equal(created.statusCode, 201, created.body)
      const id = created.json().id as string
      const worker = (extra: Record<string, string>) =>
        runSx(['worker'], {
          ...settings,
          DATABASE_URL: env.dbUrl,
          SX_DATA_DIR: env.dataDir,
          SX_WORKER: 'in-process',
          JOB_POLL_MS: '50',
          JOB_LEASE_MS: '1500',
          PAYOUT_POLL_MS: '100',
          LOG_LEVEL: 'warn',
          ...extra,
        })
      const row = () =>
        env.services.db.selectFrom('chain_transactions').selectAll().where('reference', '=', id).executeTakeFirst()
      const nonceBefore = await r.chain.pub.getTransactionCount({ address: treasury })

      const first = worker({ SX_BROADCAST_DELAY_MS: '30000' })
      await waitFor(async () => (await row()) !== undefined, 'the worker to sign and record the payout')
      first.child.kill('SIGKILL')
      await first.exited
      const signed = (await row())!
      assert.deepEqual([signed.status, Number(signed.broadcasts)], ['signed', 0], 'recorded, never handed to the node')
      assert.equal(Number(signed.nonce), nonceBefore)
      await assert.rejects(r.chain.pub.getTransaction({ hash: signed.tx_hash as Hex }), 'the node never heard of it')
      assert.equal(await r.chain.tokenBalance(r.usdt, to), 0n)

      const second = worker({ SX_BROADCAST_DELAY_MS: '0' })
      const api = client(env.app, shop.keys.live)
      let status = ''
      await waitFor(async () => {
        status = (await api.get(`/v1/payouts/${id}`)).json().status
        if (status === 'broadcast') await r.chain.mine(1)
        return status === 'confirmed' || status === 'failed'
      }, 'the payout to be confirmed by the second worker')
      second.child.kill('SIGTERM')
      await second.exited
      const final = (await api.get(`/v1/payouts/${id}`)).json()
      assert.equal(final.status, 'confirmed', JSON.stringify(final))
      assert.equal(final.tx_hash, signed.tx_hash, 'the bytes signed before the crash')
      assert.equal(await r.chain.tokenBalance(r.usdt, to), 30_000_000n, 'exactly 30 USDT, once')
      assert.equal(await r.chain.pub.getTransactionCount({ address: treasury }), nonceBefore + 1, 'one nonce used')
      const done = (await row())!
      assert.deepEqual([done.status, done.raw_tx], ['confirmed', signed.raw_tx])
    })
  })
}
