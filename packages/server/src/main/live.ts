// The live rails at the command line: the start check `sx serve` and `sx worker` run before anything
// else (every configured chain answers, is the configured network, and its tokens have the expected
// decimals), and `sx wallet [init]`. Failures are one line naming the setting (cli.ts prints them).
import type { Config } from '../config.ts'
import { openDatabase } from '../db/connect.ts'
import { migrateToLatest } from '../db/migrate.ts'
import type { Db } from '../db/database.ts'
import { connectChains, rpcOrigin, type EvmAdapter } from '../modules/chains/index.ts'
import {
  findWallet,
  getWallet,
  initWallet,
  issuedAddresses,
  walletReport,
  walletReportLines,
  type Wallet,
} from '../modules/wallet/index.ts'
import { createLogger } from '../platform/log.ts'
import { openSecretBox } from '../services.ts'

/**
 * Checks every configured chain and logs one line per chain that is ready; answers the chains'
 * adapters, the only ones the process then builds (services, watcher, treasury share them).
 */
export async function checkLiveChains(config: Config): Promise<readonly EvmAdapter[]> {
  if (config.live.evm.length === 0) return []
  const { evm, status } = await connectChains(config.live)
  const log = createLogger(config.log)
  for (const [i, chain] of status.entries()) {
    const settings = config.live.evm[i]!
    log.info(
      {
        chain: chain.chain,
        chain_id: chain.chainId,
        head: chain.head.toString(),
        rpc: rpcOrigin(settings.rpcUrl),
        confirmations: settings.confirmations,
        tokens: Object.fromEntries(settings.tokens.map((t) => [t.asset, t.contract])),
      },
      'chain ready',
    )
  }
  return evm
}

/** `sx wallet init`: creates the phrase and prints it, the only time it is ever shown. */
export async function walletInit(config: Config, json: boolean): Promise<void> {
  const { db } = await openDatabase(config.db.url)
  try {
    const secretBox = openSecretBox(config)
    await migrateToLatest(db, secretBox)
    const { phrase, wallet } = await initWallet({ db, secretBox, live: config.live }, Date.now())
    const treasury = wallet.treasuryAddress('evm')
    if (json) return void console.log(JSON.stringify({ phrase, treasury: { evm: treasury } }))
    console.log(
      [
        'Wallet created. Its recovery phrase is shown this once; write it down and keep it offline:',
        '',
        `  ${phrase}`,
        '',
        `EVM treasury (m/44'/60'/0'/0/0): ${treasury}`,
        'The phrase is stored sealed with SX_SECRET (or the data folder key): back up that key with the database.',
      ].join('\n'),
    )
  } finally {
    await db.destroy()
  }
}

/** `sx wallet`: each configured chain's treasury address and balances (after the start check). */
export async function walletShow(config: Config, json: boolean): Promise<void> {
  const { db } = await openDatabase(config.db.url)
  try {
    const secretBox = openSecretBox(config)
    await migrateToLatest(db, secretBox)
    const wallet = await getWallet({ db, secretBox, live: config.live })
    const chains = await connectChains(config.live)
    const report = await walletReport(
      wallet,
      chains.evm.map((adapter, i) => ({ adapter, status: chains.status[i]! })),
      await issuedAddresses(db),
    )
    console.log(json ? JSON.stringify(report) : walletReportLines(report).join('\n'))
  } finally {
    await db.destroy()
  }
}

/** The operator's wallet for live money; null when no chain is configured or there is no wallet (then 409). */
export async function openWallet(config: Config, db: Db): Promise<Wallet | null> {
  if (config.live.evm.length === 0) return null
  return findWallet({ db, secretBox: openSecretBox(config), live: config.live })
}
