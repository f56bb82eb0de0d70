// `sx serve | worker | init | owner | migrate | doctor | wallet`: parse the command line, load the config, run the command.
// Every command takes --help (-h). A mistake on the command line is one line plus the usage, exit 2;
// a failure the operator can fix (config, database, port) is one line, exit 1 (2 for config).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ConfigError, loadConfig, type Config } from '../config.ts'
import { DatabaseUnreachableError, openDatabase } from '../db/connect.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { initShop, ShopInitError, shopUrl } from '../modules/shops/index.ts'
import { OwnerResetError, resetOwnerPassword } from '../modules/sessions/index.ts'
import { checkDoctor, doctorLines } from '../doctor/doctor.ts'
import { openSecretBox } from '../services.ts'
import { serve, StartupError, work } from './serve.ts'
import { checkLiveChains, openWallet, walletInit, walletShow } from './live.ts'
import { checkChain, chainLines } from '../doctor/chain-check.ts'
import { createTreasury } from '../modules/treasury/index.ts'
import { systemClock } from '../platform/clock.ts'
import { ChainConfigError, createEvmAdapter } from '../modules/chains/index.ts'
import { WalletError } from '../modules/wallet/index.ts'

type Options = NonNullable<ParseArgsConfig['options']>
type Values = Record<string, string | boolean | undefined>
type Command = {
  synopsis: string
  summary: string
  options?: Options
  optionHelp?: string
  /** The words a command takes after its name (`sx wallet init`); none when absent. */
  subcommands?: string[]
  run(config: Config, values: Values, positionals: string[]): Promise<void>
}

const SETTINGS =
  "Settings come from the environment (DATABASE_URL, HOST, PORT, …; see the README's Configuration table)."

const COMMANDS: Record<string, Command> = {
  serve: {
    synopsis: 'sx serve',
    summary: 'run the HTTP server and the job worker (migrates first; seeds a demo shop on an empty database)',
    run: async (config) => {
      await serve(config, await checkLiveChains(config))
    },
  },
  worker: {
    synopsis: 'sx worker',
    summary: 'run the job worker alone (delivery, expiry, mail, refunds, payouts); any number may share a database',
    run: async (config) => {
      await work(config, await checkLiveChains(config))
    },
  },
  init: {
    synopsis: 'sx init --shop NAME --email EMAIL [--password P] [--json]',
    summary: 'create a shop, its owner, and a live and a test key',
    options: {
      shop: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      json: { type: 'boolean' },
    },
    optionHelp:
      '  --shop NAME       the shop\'s name\n  --email EMAIL     the owner\'s login\n  --password P      the owner\'s password (at least 8 characters; generated and printed when absent)\n  --json            print {"shop":{"id","slug","url"},"owner":…,"keys":{"live":…,"test":…}} instead of text',
    run: (config, values) => init(config, values),
  },
  owner: {
    synopsis: 'sx owner reset-password --email EMAIL [--password P]',
    summary: "set a shop owner's dashboard password and sign them out everywhere (for an operator without SMTP)",
    options: { email: { type: 'string' }, password: { type: 'string' } },
    optionHelp:
      "  reset-password    the only subcommand\n  --email EMAIL     the owner's login\n  --password P      the new password (at least 8 characters; generated and printed when absent)",
    subcommands: ['reset-password'],
    run: (config, values, positionals) => ownerResetPassword(config, values, positionals),
  },
  migrate: {
    synopsis: 'sx migrate',
    summary: 'bring the database schema up to date',
    run: (config) => migrate(config),
  },
  doctor: {
    synopsis: 'sx doctor',
    summary:
      'recompute every balance from the ledger and from the orders, refunds and payouts, and every stock counter from its movements and the orders; exit 1 with a report on any difference',
    run: (config) => doctor(config),
  },
  wallet: {
    synopsis: 'sx wallet [init] [--json]',
    summary:
      "show each configured chain's treasury address and balances (never the phrase); `sx wallet init` creates the wallet phrase, prints it once and stores it sealed",
    options: { json: { type: 'boolean' } },
    optionHelp:
      '  init              create the phrase (refused when SX_WALLET_MNEMONIC is set or one is stored)\n  --json            print JSON instead of text',
    subcommands: ['init'],
    run: (config, values, positionals) => wallet(config, values, positionals),
  },
}

const USAGE = `Usage:\n${Object.values(COMMANDS)
  .map((c) => `  ${c.synopsis}\n      ${c.summary}`)
  .join('\n')}\n  sx <command> --help\n      what a command does and takes\n\n${SETTINGS}`
const HELP = new Set(['help', '--help', '-h'])

/** A mistake on the command line: printed as one line, then the usage it concerns. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message)
  }
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || HELP.has(name)) return void console.log(USAGE)
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name]! : null
    if (!command)
      throw new UsageError(name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`, USAGE)
    const { values, positionals } = parseOptions(name, command, rest)
    if (values.help) return void console.log(commandUsage(command))
    await command.run(loadConfig(), values, positionals)
  } catch (error) {
    process.exitCode = report(error)
  }
}

function commandUsage(command: Command): string {
  return `Usage: ${command.synopsis}\n\n${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.\n${command.optionHelp ? `\nOptions:\n${command.optionHelp}\n` : ''}  --help, -h        show this help\n\n${SETTINGS}`
}

function parseOptions(name: string, command: Command, args: string[]): { values: Values; positionals: string[] } {
  let parsed
  try {
    parsed = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: command.subcommands !== undefined,
    })
  } catch (error) {
    // node:util explains its errors at length; say which argument is wrong in a few words.
    const { code, message } = error as { code?: string; message: string }
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? ''
    const reason =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${quoted}`
        : code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
          ? `unexpected argument "${quoted}"`
          : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
            ? `${quoted.split(' ')[0]} needs a value`
            : message.split('\n')[0]!
    throw new UsageError(`sx ${name}: ${reason}`, commandUsage(command))
  }
  const [first, second] = parsed.positionals
  if (second !== undefined || (first !== undefined && !command.subcommands!.includes(first)))
    throw new UsageError(`sx ${name}: unexpected argument "${second ?? first}"`, commandUsage(command))
  return { values: parsed.values as Values, positionals: parsed.positionals }
}

/** Prints a failure as one line (a stack only for what looks like a bug) and returns the exit code. */
function report(error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`${error.message.startsWith('sx ') ? '' : 'sx: '}${error.message}\n\n${error.usage}`)
    return 2
  }
  if (error instanceof ChainConfigError) {
    console.error(`sx: ${error.message}`)
    return error.unreachable ? 1 : 2
  }
  if (
    error instanceof ConfigError ||
    error instanceof ShopInitError ||
    error instanceof WalletError ||
    error instanceof OwnerResetError
  ) {
    console.error(`sx: ${error.message}`)
    return 2
  }
  if (error instanceof StartupError || error instanceof DatabaseUnreachableError) {
    console.error(`sx: ${error.message}`)
    return 1
  }
  console.error(error)
  return 1
}

async function migrate(config: Config): Promise<void> {
  const { db } = await openDatabase(config.db.url)
  try {
    const applied = await migrateToLatest(db, openSecretBox(config))
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date')
  } finally {
    await db.destroy()
  }
}

async function doctor(config: Config): Promise<void> {
  const { db } = await openDatabase(config.db.url)
  try {
    await migrateToLatest(db, openSecretBox(config))
    const { lines, ok } = doctorLines(await checkDoctor(db))
    for (const line of lines) console.log(line)
    if (!ok) process.exitCode = 1
    // With live chains: the chain must hold what the ledger owes (treasury plus unswept deposits).
    const wallet = await openWallet(config, db)
    if (wallet) {
      const evm = config.live.evm.map((settings) => createEvmAdapter(settings))
      const chain = chainLines(
        await checkChain(db, createTreasury({ db, clock: systemClock, wallet, evm, ...config.treasury })),
      )
      for (const line of chain.lines) console.log(line)
      if (!chain.ok) process.exitCode = 1
    }
  } finally {
    await db.destroy()
  }
}

async function init(config: Config, values: Values): Promise<void> {
  const { shop, email, password, json } = values as { shop?: string; email?: string; password?: string; json?: boolean }
  if (!shop || !email) throw new UsageError('sx init: --shop and --email are required', commandUsage(COMMANDS.init!))
  const { db } = await openDatabase(config.db.url)
  try {
    await migrateToLatest(db, openSecretBox(config))
    const result = await initShop(db, { name: shop, email, password, now: Date.now() })
    if (json) {
      console.log(
        JSON.stringify({
          shop: { id: result.shop.id, slug: result.shop.slug, url: shopUrl(config.http.publicUrl, result.shop.slug) },
          owner: {
            email: result.owner.email,
            ...(result.owner.generated_password ? { password: result.owner.password } : {}),
          },
          keys: result.keys,
        }),
      )
    } else {
      console.log(
        `Shop ${result.shop.name} (${result.shop.id}) created: ${shopUrl(config.http.publicUrl, result.shop.slug)}`,
      )
      console.log(
        `Owner login: ${result.owner.email}${result.owner.generated_password ? ` / ${result.owner.password}` : ''}`,
      )
      console.log(
        `Live key: ${result.keys.live}\nTest key: ${result.keys.test}\nThese keys are shown once; store them now.`,
      )
    }
  } finally {
    await db.destroy()
  }
}

async function ownerResetPassword(config: Config, values: Values, positionals: string[]): Promise<void> {
  const { email, password } = values as { email?: string; password?: string }
  if (positionals[0] !== 'reset-password' || !email)
    throw new UsageError('sx owner: reset-password and --email are required', commandUsage(COMMANDS.owner!))
  const { db } = await openDatabase(config.db.url)
  try {
    await migrateToLatest(db, openSecretBox(config))
    const result = await resetOwnerPassword(db, { email, password, now: Date.now() })
    console.log(
      `Password of ${result.email} reset${result.generated ? `: ${result.password}` : ''}. Every session of this owner is signed out.`,
    )
  } finally {
    await db.destroy()
  }
}

async function wallet(config: Config, values: Values, positionals: string[]): Promise<void> {
  const json = values.json === true
  await (positionals[0] === 'init' ? walletInit(config, json) : walletShow(config, json))
}
