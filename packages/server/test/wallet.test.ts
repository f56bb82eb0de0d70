// The operator's wallet (issue 13): `sx wallet init` prints the phrase once and stores it sealed;
// `sx wallet --json` shows each configured chain's treasury and balances read from a real local EVM
// node; the phrase and keys never reach the database in clear nor any output; SX_WALLET_MNEMONIC
// opens the standard accounts; deposit addresses come from a persisted counter and are never reused.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { inspect } from 'node:util'
import { sql } from 'kysely'
import { validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { bytesToHex, parseEther, parseUnits, type Address } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { loadConfig } from '../src/config.ts'
import { connect } from '../src/db/connect.ts'
import type { Dialect } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { allocateDepositAddress, getWallet } from '../src/modules/wallet/index.ts'
import type { WalletReport } from '../src/modules/wallet/index.ts'
import { openSecretBox } from '../src/services.ts'
import { DIALECTS, createDatabase } from './harness.ts'
import { LISTENING, exitWithin, runSx, waitFor } from './processes.ts'
import { localChain, type LocalChain } from './chain/local-chain.ts'
import { startFaultyRpc } from './chain/faulty-rpc.ts'

/** The BIP-39 test phrase; its m/44'/60'/0'/0/0 address is the one every wallet shows for it. */
const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
const ABANDON_ADDRESS_0 = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94'

/** Runs `sx <args>` to its end; returns its exit code and output. */
async function sx(args: string[], env: Record<string, string>) {
  const run = runSx(args, env)
  const code = await exitWithin(run, 60_000)
  return { code, ...run.output() }
}

/** The settings of a local node serving as ethereum (6-decimal tokens) and bsc (18-decimal tokens). */
type Tokens = { usdt6: Address; usdc6: Address; usdt18: Address; usdc18: Address }
function chainEnv(chain: LocalChain, tokens: Tokens): Record<string, string> {
  return {
    SX_RPC_ETHEREUM: chain.url,
    SX_CHAIN_ID_ETHEREUM: String(chain.chainId),
    SX_TOKEN_ETHEREUM_USDT: tokens.usdt6,
    SX_TOKEN_ETHEREUM_USDC: tokens.usdc6,
    SX_RPC_BSC: chain.url,
    SX_CHAIN_ID_BSC: String(chain.chainId),
    SX_TOKEN_BSC_USDT: tokens.usdt18,
    SX_TOKEN_BSC_USDC: tokens.usdc18,
  }
}

/** Every text value of every table: what a copy of the database shows. */
async function dumpText(dbUrl: string, dialect: Dialect): Promise<string[]> {
  const { db } = connect(dbUrl)
  try {
    const tables = (
      dialect === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
        : await sql<{
            name: string
          }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)
    ).rows.map((r) => r.name)
    const values: string[] = []
    for (const table of tables)
      for (const row of (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows)
        for (const value of Object.values(row)) if (typeof value === 'string') values.push(value)
    return values
  } finally {
    await db.destroy()
  }
}

let chain: LocalChain
let tokens: Tokens
before(async () => {
  chain = await localChain()
  tokens = {
    usdt6: await chain.deployToken('USDT', 6),
    usdc6: await chain.deployToken('USDC', 6),
    usdt18: await chain.deployToken('USDT', 18),
    usdc18: await chain.deployToken('USDC', 18),
  }
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: sx wallet`, () => {
    let database: Awaited<ReturnType<typeof createDatabase>>
    let base: Record<string, string>
    before(async () => {
      database = await createDatabase(dialect)
      base = { DATABASE_URL: database.url, SX_DATA_DIR: database.dataDir, SX_DEMO_SEED: 'false' }
    })
    after(() => database.drop())

    it('init prints the phrase once, stores it sealed; --json shows each chain treasury and exact balances', async () => {
      const init = await sx(['wallet', 'init', '--json'], base)
      assert.equal(init.code, 0, init.stderr)
      const { phrase, treasury } = JSON.parse(init.stdout) as { phrase: string; treasury: { evm: string } }
      assert.equal(phrase.split(' ').length, 24)
      assert.ok(validateMnemonic(phrase, wordlist), 'a valid BIP-39 phrase')
      // Derived independently (viem's own HD account) on the standard path: any wallet opens it.
      const account0 = mnemonicToAccount(phrase, { addressIndex: 0 })
      assert.equal(treasury.evm, account0.address)
      const privateKey = bytesToHex(account0.getHdKey().privateKey!)

      const again = await sx(['wallet', 'init'], base)
      assert.equal(again.code, 2)
      assert.equal(again.stdout, '')
      assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr)
      assert.match(again.stderr, /^sx: a wallet phrase is stored already/)

      // Money on the treasury, on "ethereum" (6 decimals) and "bsc" (18 decimals): one node serves both.
      await chain.sendNative(account0.address, parseEther('1.5'))
      await chain.transferToken(tokens.usdt6, account0.address, 12_340_000n)
      await chain.transferToken(tokens.usdt18, account0.address, parseUnits('7.000000000000000001', 18))
      const shown = await sx(['wallet', '--json'], { ...base, ...chainEnv(chain, tokens), LOG_LEVEL: 'trace' })
      assert.equal(shown.code, 0, shown.stderr)
      const report = JSON.parse(shown.stdout) as WalletReport
      assert.equal(report.source, 'sx wallet init')
      assert.equal(report.treasury.evm, account0.address)
      assert.deepEqual(
        report.chains.map((c) => [c.chain, c.chain_id, c.treasury]),
        [
          ['ethereum', 31337, account0.address],
          ['bsc', 31337, account0.address],
        ],
      )
      const amounts = (name: string) =>
        report.chains.find((c) => c.chain === name)!.balances.map((b) => [b.asset, b.amount, b.token])
      assert.deepEqual(amounts('ethereum'), [
        ['ETH', '1.500000000000000000', null],
        ['USDT', '12.340000', tokens.usdt6],
        ['USDC', '0.000000', tokens.usdc6],
      ])
      assert.deepEqual(amounts('bsc'), [
        ['BNB', '1.500000000000000000', null],
        ['USDT', '7.000000000000000001', tokens.usdt18],
        ['USDC', '0.000000000000000000', tokens.usdc18],
      ])

      // Nowhere in clear: not in any table, not in what sx wallet or a chatty sx serve prints.
      const serve = runSx(['serve'], { ...base, ...chainEnv(chain, tokens), PORT: '0', LOG_LEVEL: 'trace' })
      await waitFor(() => LISTENING.test(serve.output().stdout), 'sx serve to listen')
      assert.match(serve.output().stdout, /"msg":"chain ready"/, 'the chain check is logged before listening')
      // One request answered: the server is past its start (its signal handlers are installed).
      assert.equal((await fetch(`${LISTENING.exec(serve.output().stdout)![1]}/healthz`)).status, 200)
      serve.child.kill('SIGTERM')
      assert.equal(await exitWithin(serve, 30_000), 0)
      // The phrase, any three words of it in a row (a single word, such as "dress", is in "address"), the key.
      const words = phrase.split(' ')
      const secrets = [phrase, ...words.slice(2).map((_, i) => words.slice(i, i + 3).join(' ')), privateKey]
      const printed = [shown.stdout, shown.stderr, again.stderr, serve.output().stdout, serve.output().stderr]
      for (const secret of secrets) {
        for (const text of printed) assert.ok(!text.includes(secret), `printed: ${secret.slice(0, 12)}…`)
        assert.ok(!text(await dumpText(database.url, dialect)).includes(secret), 'in the database')
      }
      const stored = (await dumpText(database.url, dialect)).filter((v) => v.startsWith('v1.'))
      assert.ok(stored.length > 0, 'the sealed phrase is in the dump')
    })

    it('sx serve: /readyz names a chain whose node went away after start, and logs it once going and once back', async () => {
      const proxy = await startFaultyRpc(chain.url)
      after(() => proxy.close())
      const env = { ...base, ...chainEnv(chain, tokens), SX_RPC_ETHEREUM: proxy.url, PORT: '0', SX_WORKER: 'off' }
      const serve = runSx(['serve'], env)
      await waitFor(() => LISTENING.test(serve.output().stdout), 'sx serve to listen')
      const url = `${LISTENING.exec(serve.output().stdout)![1]}/readyz`
      const ready = async () => {
        const res = await fetch(url)
        assert.equal(res.status, 200, 'a chain down leaves the API ready')
        return (await res.json()) as { status: string; chains?: { chain: string; reason: string }[] }
      }
      assert.deepEqual(await ready(), { status: 'ok' })
      proxy.fault = () => 'drop'
      let body = await ready()
      await waitFor(async () => (body = await ready()).status === 'degraded', '/readyz to report the chain')
      assert.deepEqual(
        body.chains!.map((c) => c.chain),
        ['ethereum'],
        'bsc still answers',
      )
      assert.match(body.chains![0]!.reason, /the ethereum node does not answer/)
      await ready()
      proxy.fault = () => 'pass'
      await waitFor(async () => (await ready()).status === 'ok', '/readyz to be ok again')
      const logged = (msg: string) =>
        serve
          .output()
          .stdout.split('\n')
          .filter((l) => l.includes(`"msg":"${msg}"`))
      // The log reaches stdout a moment after the answer that caused it.
      await waitFor(() => logged('chain RPC answers again').length > 0, 'the log line of the chain coming back')
      assert.equal(logged('chain RPC unreachable').length, 1, serve.output().stdout)
      assert.match(logged('chain RPC unreachable')[0]!, /"chain":"ethereum"/)
      assert.equal(logged('chain RPC answers again').length, 1)
      serve.child.kill('SIGTERM')
      assert.equal(await exitWithin(serve, 30_000), 0)
    })

    it('opens SX_WALLET_MNEMONIC on the standard path, refuses init next to it, and a phrase that differs from the stored one', async () => {
      const env = { ...base, SX_WALLET_MNEMONIC: `  ${ABANDON.toUpperCase().replaceAll(' ', '  ')} ` }
      const init = await sx(['wallet', 'init'], env)
      assert.equal(init.code, 2)
      assert.match(init.stderr.trim(), /^sx: SX_WALLET_MNEMONIC is set, so that phrase is the wallet;[^\n]*$/)

      // This database already has a stored phrase (the test above): two phrases is a loud error.
      const clash = await sx(['wallet', '--json'], env)
      assert.equal(clash.code, 2)
      assert.match(clash.stderr.trim(), /^sx: SX_WALLET_MNEMONIC differs from the phrase sx wallet init stored;[^\n]*$/)
      assert.ok(!clash.stderr.toLowerCase().includes('abandon'))

      const fresh = await createDatabase(dialect)
      try {
        const shown = await sx(['wallet', '--json'], { ...env, DATABASE_URL: fresh.url, SX_DATA_DIR: fresh.dataDir })
        assert.equal(shown.code, 0, shown.stderr)
        const report = JSON.parse(shown.stdout) as WalletReport
        assert.deepEqual(
          [report.source, report.treasury.evm, report.chains],
          ['SX_WALLET_MNEMONIC', ABANDON_ADDRESS_0, []],
        )
        assert.ok(!shown.stdout.includes('abandon'))
        const none = await sx(['wallet'], { DATABASE_URL: fresh.url, SX_DATA_DIR: fresh.dataDir })
        assert.equal(none.code, 2)
        assert.match(none.stderr.trim(), /^sx: no wallet: set SX_WALLET_MNEMONIC [^\n]*sx wallet init[^\n]*$/)
      } finally {
        await fresh.drop()
      }
    })

    it('hands out deposit addresses from a persisted counter: index 1 up, concurrently distinct, never reused', async () => {
      const config = loadConfig({ ...base, LOG_LEVEL: 'silent' })
      const open = async () => {
        const { db } = connect(config.db.url)
        const secretBox = openSecretBox(config)
        await migrateToLatest(db, secretBox)
        return { db, wallet: await getWallet({ db, secretBox, live: config.live }) }
      }
      const first = await open()
      const taken = await Promise.all(
        Array.from({ length: 12 }, () => allocateDepositAddress(first.db, first.wallet, 'evm', Date.now())),
      )
      await first.db.destroy()
      assert.deepEqual(
        taken.map((t) => t.index).sort((a, b) => a - b),
        Array.from({ length: 12 }, (_, i) => i + 1),
      )
      // The phrase (stored by the first test) recovers each address on its standard path.
      const phraseWallet = (i: number) => first.wallet.address('evm', i)
      for (const { index, address } of taken) assert.equal(address, phraseWallet(index))
      assert.notEqual(phraseWallet(1), first.wallet.treasuryAddress('evm'))

      const reopened = await open()
      try {
        // Inside a caller's transaction that rolls back, the address was never handed out (nothing
        // outside the transaction saw it), so the index is taken again; never one that was committed.
        await reopened.db
          .transaction()
          .execute(async (trx) => {
            assert.equal((await allocateDepositAddress(trx, reopened.wallet, 'evm', Date.now())).index, 13)
            throw new Error('checkout failed')
          })
          .catch(() => {})
        const next = await allocateDepositAddress(reopened.db, reopened.wallet, 'evm', Date.now())
        assert.equal(next.index, 13)
        assert.ok(!taken.some((t) => t.address === next.address))
        assert.equal(inspect({ wallet: reopened.wallet }), '{ wallet: [wallet] }')
        assert.equal(JSON.stringify({ wallet: reopened.wallet }), '{"wallet":"[wallet]"}')
      } finally {
        await reopened.db.destroy()
      }
    })
  })
}

const text = (values: string[]) => values.join('\n')
