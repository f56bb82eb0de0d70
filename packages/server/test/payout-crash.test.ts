// Kill -9 the server in the middle of a payout, then restart it: the payout still completes, and
// the money is sent once (research/crypto.md §6.2). Two windows: after the broadcast was recorded
// (the restarted job only asks the provider, never sends again), and between the provider sending
// and the broadcast being recorded (the repeated send, keyed by the payout id, finds the first
// transfer). The ledger then agrees with the payouts (the `sx doctor` check).
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { connect } from '../src/db/connect.ts'
import { checkLedger } from '../src/doctor/doctor.ts'
import type { Payout } from '../src/modules/payouts/payouts.schemas.ts'
import { DIALECTS, createDatabase, present } from './harness.ts'
import { LISTENING, runSx, waitFor } from './processes.ts'
import { TRON_ADDRESS } from './money-helpers.ts'

type Server = { run: ReturnType<typeof runSx>; base: string }

async function setUp(dialect: (typeof DIALECTS)[number], settings: Record<string, string>) {
  const database = await createDatabase(dialect)
  const dataDir = mkdtempSync(join(tmpdir(), 'sx-payout-crash-'))
  after(async () => {
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const env = {
    DATABASE_URL: database.url,
    SX_DATA_DIR: dataDir,
    SX_DEMO_SEED: 'false',
    JOB_POLL_MS: '50',
    JOB_LEASE_MS: '1500',
    PAYOUT_POLL_MS: '100',
    LOG_LEVEL: 'warn',
    ...settings,
  }
  const init = runSx(['init', '--shop', 'Payout Co', '--email', 'payouts@example.com', '--json'], env)
  assert.equal(await init.exited, 0, init.output().stderr)
  const key = JSON.parse(init.output().stdout).keys.test as string
  const start = async (extra: Record<string, string> = {}): Promise<Server> => {
    const run = runSx(['serve'], { ...env, ...extra, PORT: '0', LOG_LEVEL: 'info' })
    // waitFor's deadline is generous: a cold start compiles the sources through tsx, slow on a busy machine.
    await waitFor(() => LISTENING.test(run.output().stdout), 'the server to listen')
    return { run, base: run.output().stdout.match(LISTENING)![1]! }
  }
  const call = async (server: Server, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, json: await res.json() }
  }
  /** A paid order of 12900 cents, then a payout of 5000 of it. */
  const fundAndPayOut = async (server: Server) => {
    const product = await call(server, 'POST', '/v1/products', {
      name: 'Key',
      type: 'license_key',
      price_cents: 12900,
      currency: 'USD',
    })
    await call(server, 'POST', `/v1/products/${product.json.id}/stock`, { items: ['KEY-1'] })
    const order = await call(server, 'POST', '/v1/orders', {
      customer_email: 'b@example.com',
      items: [{ product_id: product.json.id, qty: 1 }],
    })
    assert.equal((await call(server, 'POST', `/v1/test_helpers/orders/${order.json.id}/pay`, {})).status, 200)
    const payout = await call(server, 'POST', '/v1/payouts', {
      chain: 'tron',
      asset: 'USDT',
      amount_cents: 5000,
      destination_address: TRON_ADDRESS,
    })
    assert.equal(payout.status, 201, JSON.stringify(payout.json))
    return payout.json.id as string
  }
  /** After the restart: confirmed with the first transaction, one transfer, each event once, the ledger in agreement. */
  const checkOutcome = async (
    server: Server,
    payoutId: string,
    expected: { txHash?: string; sendCalls: (calls: number) => void },
  ) => {
    let final: Payout | undefined
    await waitFor(
      async () => (final = (await call(server, 'GET', `/v1/payouts/${payoutId}`)).json).status === 'confirmed',
      'the payout to be confirmed after the restart',
    )
    assert.ok(final)
    if (expected.txHash) assert.equal(final.tx_hash, expected.txHash, 'the transaction broadcast before the crash')
    const balance = (await call(server, 'GET', '/v1/balance')).json
    assert.deepEqual([balance.available_cents, balance.pending_cents], [7900, 0])
    server.run.child.kill('SIGTERM')
    assert.equal(await server.run.exited, 0)
    const { db } = connect(database.url)
    const transfers = await db.selectFrom('sandbox_transfers').select(['tx_hash', 'send_calls']).execute()
    const events = await db
      .selectFrom('events')
      .select('type')
      .where('type', 'like', 'payout.%')
      .orderBy('id')
      .execute()
    const ledger = await checkLedger(db)
    await db.destroy()
    assert.deepEqual(
      transfers.map((t) => t.tx_hash),
      [final.tx_hash],
      'one transfer, ever',
    )
    expected.sendCalls(Number(transfers[0]!.send_calls))
    assert.deepEqual(
      events.map((e) => e.type),
      ['payout.queued', 'payout.broadcast', 'payout.confirmed'],
    )
    assert.deepEqual(ledger, { balances: 1, differences: [] }, 'what sx doctor checks')
  }
  return { database, start, call, fundAndPayOut, checkOutcome }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: crash during a payout`, () => {
    it('kill -9 between broadcast and confirmation: after a restart it is confirmed, not sent again', async () => {
      const t = await setUp(dialect, { SANDBOX_PAYOUT_CONFIRM_MS: '4000' })
      const first = await t.start()
      const payoutId = await t.fundAndPayOut(first)
      let broadcast: Payout | undefined
      await waitFor(
        async () => (broadcast = (await t.call(first, 'GET', `/v1/payouts/${payoutId}`)).json).status === 'broadcast',
        'the broadcast',
      )
      assert.ok(broadcast)
      first.run.child.kill('SIGKILL')
      await first.run.exited
      await t.checkOutcome(await t.start(), payoutId, {
        txHash: present(broadcast.tx_hash, 'the broadcast tx_hash'),
        sendCalls: (calls) =>
          assert.equal(calls, 1, 'once broadcast is recorded, the provider is only asked, never sent to again'),
      })
    })

    it('kill -9 after the provider sent but before the broadcast was recorded: the repeated send finds the first transfer', async () => {
      // The sandbox pauses after making the transfer and before answering: the kill lands there.
      const t = await setUp(dialect, { SANDBOX_PAYOUT_CONFIRM_MS: '200', SANDBOX_PAYOUT_SEND_DELAY_MS: '5000' })
      const first = await t.start()
      const payoutId = await t.fundAndPayOut(first)
      const { db } = connect(t.database.url)
      await waitFor(
        async () =>
          (await db.selectFrom('sandbox_transfers').select('reference').where('reference', '=', payoutId).execute())
            .length === 1,
        'the sandbox to make the transfer',
      )
      await db.destroy()
      assert.equal(
        (await t.call(first, 'GET', `/v1/payouts/${payoutId}`)).json.status,
        'queued',
        'sent, but not yet recorded',
      )
      first.run.child.kill('SIGKILL')
      await first.run.exited
      await t.checkOutcome(await t.start({ SANDBOX_PAYOUT_SEND_DELAY_MS: '0' }), payoutId, {
        // At least once more after the restart (also when the first process re-ran the job once its
        // lease ran out during the pause): every repeat answered the first transfer.
        sendCalls: (calls) => assert.ok(calls >= 2, `send was called again (${calls} calls)`),
      })
    })
  })
}
