// The `sx` command as an operator runs it: init, migrate, serve (demo seed, graceful shutdown).
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { Order } from '../src/modules/orders/orders.schemas.ts'
import { DIALECTS, client, createDatabase, present, startTestEnv, type TestEnv } from './harness.ts'
import { LISTENING, exitWithin, isRunning, runSx, waitFor } from './processes.ts'
import { SHIP_TO } from './orders-helpers.ts'

/** A failure an operator sees: exactly one line on stderr, no stack trace. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n')
  assert.equal(lines.length, 1, `one line: ${stderr}`)
  assert.match(lines[0]!, pattern)
}

/** Orders one of each product with the demo test key, pays in the sandbox and waits for the goods. */
async function buyEveryProduct(baseUrl: string, key: string, products: { id: string; type: string }[]): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: await res.json() }
  }
  assert.deepEqual(
    new Set(products.map((p) => p.type)),
    new Set(['license_key', 'account', 'file_download', 'physical']),
  )
  for (const product of products) {
    const created = await call('POST', '/v1/orders', {
      customer_email: 'buyer@example.com',
      items: [{ product_id: product.id, qty: 1 }],
      ...(product.type === 'physical' ? { shipping_address: SHIP_TO } : {}),
    })
    assert.equal(created.status, 201, `${product.type}: ${JSON.stringify(created.body)}`)
    assert.equal((await call('POST', `/v1/test_helpers/orders/${created.body.id}/pay`, {})).status, 200)
    const settled = product.type === 'physical' ? 'paid' : 'completed'
    let order: Order | undefined
    await waitFor(
      async () => (order = (await call('GET', `/v1/orders/${created.body.id}`)).body).status === settled,
      `the ${product.type} order to be ${settled}`,
    )
    assert.ok(order)
    if (product.type === 'physical') {
      assert.equal(
        (await call('POST', `/v1/orders/${order.id}/fulfil`, { carrier: 'DHL', tracking_number: 'JD0001' })).body
          .status,
        'completed',
      )
    } else if (product.type === 'file_download') {
      // PORT=0 leaves PUBLIC_URL without the real port: take the link's path.
      const download = await fetch(
        `${baseUrl}${new URL(present(order.delivery.items[0]?.url, 'the download url')).pathname}`,
      )
      assert.equal(download.status, 200)
      assert.match(await download.text(), /^<svg /)
    } else {
      assert.match(present(order.delivery.items[0]?.value, 'the delivered good'), /^DEMO-/)
    }
  }
}

describe('sx command line', () => {
  it('takes help as sx -h, sx help, sx --help and <command> --help, exit 0, without starting anything', async () => {
    // One at a time: each is a node process compiling the sources, and the machine may be busy.
    for (const args of [['-h'], ['help'], ['--help'], ['serve', '--help'], ['worker', '-h'], ['init', '--help']]) {
      const run = runSx(args, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/never-opened', PORT: '0' })
      assert.equal(await exitWithin(run, 60_000), 0, `sx ${args.join(' ')}: ${run.output().stderr}`)
      const { stdout, stderr } = run.output()
      assert.equal(stderr, '', `sx ${args.join(' ')}`)
      assert.match(
        stdout,
        args.length === 1 ? /^Usage:\n  sx serve/ : new RegExp(`^Usage: sx ${args[0]}`),
        `sx ${args.join(' ')}`,
      )
      assert.doesNotMatch(stdout, /Server listening|Demo shop/)
      if (args[0] === 'init') assert.match(stdout, /--shop NAME/)
    }
  })

  it('answers unknown commands, unknown options and stray arguments with one line and the usage, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['init', '--bogus'], /^sx init: unknown option --bogus$/],
      [['migrate', 'now'], /^sx migrate: unexpected argument "now"$/],
      [['init', '--shop'], /^sx init: --shop needs a value$/],
      [['frobnicate'], /^sx: unknown command "frobnicate"$/],
      [['--bogus'], /^sx: unknown option --bogus$/],
    ]
    for (const [args, pattern] of cases) {
      const run = runSx(args, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/never-opened', PORT: '0' })
      assert.equal(await exitWithin(run, 60_000), 2, `sx ${args.join(' ')}`)
      const [first, blank, usage] = run.output().stderr.split('\n')
      assert.match(first!, pattern)
      assert.equal(blank, '')
      assert.match(usage!, /^Usage:/)
      assert.doesNotMatch(run.output().stderr, /\n\s+at /, 'no stack trace')
      assert.equal(run.output().stdout, '')
    }
  })

  it('stops with one line and exit 1 when the database cannot be reached or opened', async () => {
    const notADir = join(mkdtempSync(join(tmpdir(), 'sx-cli-')), 'file')
    writeFileSync(notADir, '')
    const unreachable = 'postgres://postgres:hunter2@127.0.0.1:1/sx'
    const cases = [
      {
        command: 'serve',
        url: unreachable,
        pattern:
          /^sx: cannot reach the database at postgres:\/\/127\.0\.0\.1:1\/sx: connect ECONNREFUSED 127\.0\.0\.1:1 \(tried \d+ times\)$/,
      },
      {
        command: 'migrate',
        url: unreachable,
        pattern: /^sx: cannot reach the database at postgres:\/\/127\.0\.0\.1:1\/sx: /,
      },
      {
        command: 'serve',
        url: `sqlite:${notADir}/sx.db`,
        pattern: /^sx: cannot open the database at .*\/file\/sx\.db: /,
      },
    ]
    for (const { command, url, pattern } of cases) {
      const run = runSx([command], { DATABASE_URL: url, PORT: '0' })
      assert.equal(await exitWithin(run, 60_000), 1, `sx ${command}: ${run.output().stderr}`)
      assertOneLine(run.output().stderr, pattern)
      assert.doesNotMatch(run.output().stderr, /hunter2/, 'the password is not printed')
    }
  })
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: sx command`, () => {
    let env: TestEnv
    before(async () => {
      env = await startTestEnv(dialect)
    })
    after(() => env.close())

    it('init --json creates a shop whose two keys hold all nine abilities', async () => {
      const run = runSx(['init', '--shop', 'Acme', '--email', 'Founder@Acme.test', '--json'], {
        DATABASE_URL: env.dbUrl,
      })
      assert.equal(await run.exited, 0, run.output().stderr)
      const result = JSON.parse(run.output().stdout)
      assert.match(result.shop.id, /^shop_/)
      assert.equal(result.shop.slug, 'acme')
      assert.match(result.shop.url, /^http:\/\/[^/]+\/s\/acme$/)
      assert.match(result.keys.live, /^sx_live_[0-9A-Za-z]{24,}$/)
      assert.match(result.keys.test, /^sx_test_[0-9A-Za-z]{24,}$/)
      for (const [secret, livemode] of [
        [result.keys.live, true],
        [result.keys.test, false],
      ] as const) {
        const keys = await client(env.app, secret).get('/v1/api-keys')
        assert.equal(keys.statusCode, 200)
        const [key] = keys.json().data
        assert.equal(key.livemode, livemode)
        assert.equal(key.abilities.length, 9)
      }

      const again = runSx(['init', '--shop', 'Acme 2', '--email', 'founder@acme.test'], {
        DATABASE_URL: env.dbUrl,
        SX_DATA_DIR: env.dataDir,
      })
      assert.equal(await again.exited, 2)
      assert.match(again.output().stderr, /exists already/)
      const missing = runSx(['init', '--email', 'x@y.test'], { DATABASE_URL: env.dbUrl, SX_DATA_DIR: env.dataDir })
      assert.equal(await missing.exited, 2)
      assert.match(missing.output().stderr, /--shop and --email are required/)
    })

    it('migrate reports an up-to-date schema', async () => {
      const run = runSx(['migrate'], { DATABASE_URL: env.dbUrl, SX_DATA_DIR: env.dataDir })
      assert.equal(await run.exited, 0)
      assert.match(run.output().stdout, /up to date/)
    })
  })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: sx serve`, () => {
    it('seeds a demo shop once on an empty database, serves it, and shuts down gracefully', async () => {
      // A database and data folder of its own: a test env's in-process worker would claim the
      // child's jobs and fail to open what the child sealed under its own master key.
      const database = await createDatabase(dialect)
      after(() => database.drop())
      const start = () => runSx(['serve'], { DATABASE_URL: database.url, SX_DATA_DIR: database.dataDir, PORT: '0' })
      const first = start()
      await waitFor(() => LISTENING.test(first.output().stdout), 'the server to listen')
      const { stdout } = first.output()
      const baseUrl = stdout.match(LISTENING)![1]
      const testKey = stdout.match(/Test key:\s+(sx_test_\w+)/)?.[1]
      assert.ok(testKey, `the demo test key is printed: ${stdout}`)
      assert.match(stdout, /Owner login: demo@sx\.local \/ \S+/)
      const shopUrl = stdout.match(/Shop:\s+(http\S+\/s\/demo-shop)\n/)?.[1]
      assert.ok(shopUrl, `the demo shop's page is printed: ${stdout}`)
      const products = await fetch(`${baseUrl}/v1/products`, { headers: { authorization: `Bearer ${testKey}` } })
      assert.equal(products.status, 200)
      const body = await products.json()
      assert.deepEqual(body.data.map((p: { name: string }) => p.name).sort(), [
        'Adobe Creative Cloud Key',
        'Icon Pack (download)',
        'Sticker Sheet',
        'Streaming Account (1 month)',
        'Windows 11 Pro Key',
      ])
      assert.ok(body.data.some((p: { type: string; stock: number }) => p.type === 'license_key' && p.stock > 0))
      await buyEveryProduct(baseUrl!, testKey, body.data)
      const shopPage = await (await fetch(`${baseUrl}/s/demo-shop`)).text()
      assert.match(shopPage, /Sticker Sheet/)
      first.child.kill('SIGTERM')
      assert.equal(await first.exited, 0)
      // The key appears in the one-time banner (twice: the key line and the curl hint), never in request logs.
      assert.equal(first.output().stdout.split(testKey).length - 1, 2)
      assert.match(first.output().stdout, /"url":"\/v1\/products"/, 'requests are logged')

      const second = start()
      await waitFor(() => LISTENING.test(second.output().stdout), 'the restart')
      assert.doesNotMatch(second.output().stdout, /Demo shop created/)
      second.child.kill('SIGINT')
      assert.equal(await second.exited, 0)
    })

    it('a start that cannot listen says why in one line, exits 1 and leaves no process (nor worker) behind', async () => {
      const env = await startTestEnv(dialect)
      after(() => env.close())
      const taken = createServer()
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
      after(() => taken.close())
      const port = (taken.address() as { port: number }).port
      const cases: { env: Record<string, string>; pattern: RegExp }[] = [
        { env: { PORT: String(port) }, pattern: new RegExp(`^sx: port ${port} is in use on 127\\.0\\.0\\.1`) },
        // 192.0.2.1 is a documentation address (TEST-NET-1): no machine has it.
        { env: { HOST: '192.0.2.1', PORT: '0' }, pattern: /^sx: HOST 192\.0\.2\.1 is not an address of this machine/ },
      ]
      for (const { env: extra, pattern } of cases) {
        const run = runSx(['serve'], {
          DATABASE_URL: env.dbUrl,
          SX_DATA_DIR: env.dataDir,
          SX_DEMO_SEED: 'false',
          ...extra,
        })
        assert.equal(await exitWithin(run, 60_000), 1, run.output().stderr)
        assertOneLine(run.output().stderr, pattern)
        assert.doesNotMatch(run.output().stdout, /Server listening/)
        assert.equal(isRunning(run.child.pid!), false, 'the process is gone')
      }
    })

    it('two instances starting at once on an empty database migrate and seed it once', async () => {
      const database = await createDatabase(dialect)
      after(() => database.drop())
      const both = [0, 1].map(() =>
        runSx(['serve'], { DATABASE_URL: database.url, SX_DATA_DIR: database.dataDir, PORT: '0' }),
      )
      for (const run of both)
        await waitFor(() => LISTENING.test(run.output().stdout) || run.child.exitCode !== null, 'both servers')
      const outputs = both.map((run) => run.output())
      for (const [i, run] of both.entries())
        assert.equal(run.child.exitCode, null, `instance ${i} is running: ${outputs[i]!.stderr}`)
      assert.equal(outputs.filter((o) => /Demo shop created/.test(o.stdout)).length, 1)
      for (const run of both) run.child.kill('SIGTERM')
      assert.deepEqual(await Promise.all(both.map((run) => run.exited)), [0, 0])
    })
  })
}
