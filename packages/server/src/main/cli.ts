// `sx serve | worker | init | migrate | doctor`: parse the command line, load the config, run the command.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.ts'
import { connect } from '../db/connect.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { initShop, ShopInitError } from '../modules/shops/index.ts'
import { checkLedger, describeDifference } from '../modules/ledger/index.ts'
import { checkStock, describeStockDifference } from '../modules/catalog/index.ts'
import { serve, work } from './serve.ts'
import { openSecretBox } from '../services.ts'
import type { Config } from '../config.ts'

const USAGE = `Usage:
  sx serve                 run the HTTP server and the job worker (migrates first; seeds a demo shop on an empty database)
  sx worker                run the job worker alone (delivery, expiry, mail, refunds, payouts); any number may share a database
  sx init --shop NAME --email EMAIL [--password P] [--json]
                           create a shop, its owner, and a live and a test key
  sx migrate               bring the database schema up to date
  sx doctor                recompute every balance from the ledger and from the orders, refunds and
                           payouts, and every stock counter from its movements and the orders;
                           exit 1 with a report on any difference`

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  try {
    const config = loadConfig()
    if (command === 'serve') return await serve(config)
    if (command === 'worker') return await work(config)
    if (command === 'migrate') return await migrate(config)
    if (command === 'init') return await init(config, rest)
    if (command === 'doctor') return await doctor(config)
    console.log(USAGE)
    process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ShopInitError) {
      console.error(`sx: ${error.message}`)
      process.exitCode = 2
    } else {
      console.error(error)
      process.exitCode = 1
    }
  }
}

async function migrate(config: Config): Promise<void> {
  const { db } = connect(config.db.url)
  try {
    const applied = await migrateToLatest(db, openSecretBox(config))
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date')
  } finally {
    await db.destroy()
  }
}

async function doctor(config: Config): Promise<void> {
  const { db } = connect(config.db.url)
  try {
    await migrateToLatest(db, openSecretBox(config))
    const { balances, differences } = await checkLedger(db)
    if (differences.length === 0) {
      console.log(`ledger ok: ${balances} balance${balances === 1 ? '' : 's'} agree with the orders, refunds and payouts`)
    } else {
      console.log(`ledger differences (${differences.length}):\n${differences.map((d) => `  ${describeDifference(d)}`).join('\n')}`)
      process.exitCode = 1
    }
    const stock = await checkStock(db)
    if (stock.differences.length === 0) {
      console.log(`stock ok: ${stock.counters} counter${stock.counters === 1 ? ' agrees' : 's agree'} with ${stock.counters === 1 ? 'its' : 'their'} movements`)
    } else {
      console.log(`stock differences (${stock.differences.length}):\n${stock.differences.map((d) => `  ${describeStockDifference(d)}`).join('\n')}`)
      process.exitCode = 1
    }
  } finally {
    await db.destroy()
  }
}

async function init(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { shop: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  })
  if (!values.shop || !values.email) throw new ShopInitError(`--shop and --email are required\n${USAGE}`)
  const { db } = connect(config.db.url)
  try {
    await migrateToLatest(db, openSecretBox(config))
    const result = await initShop(db, { name: values.shop, email: values.email, password: values.password, now: Date.now() })
    if (values.json) {
      console.log(JSON.stringify({ shop: { id: result.shop.id }, owner: { email: result.owner.email, ...(result.owner.generated_password ? { password: result.owner.password } : {}) }, keys: result.keys }))
    } else {
      console.log(`Shop ${result.shop.name} (${result.shop.id}) created.`)
      console.log(`Owner login: ${result.owner.email}${result.owner.generated_password ? ` / ${result.owner.password}` : ''}`)
      console.log(`Live key: ${result.keys.live}\nTest key: ${result.keys.test}\nThese keys are shown once; store them now.`)
    }
  } finally {
    await db.destroy()
  }
}
