// The `sx` command as an operator runs it: init, migrate, serve (demo seed, graceful shutdown).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, createDatabase, startTestEnv, type TestEnv } from './harness.ts'
import { LISTENING, runSx, waitFor } from './processes.ts'


for (const dialect of DIALECTS) {
  describe(`${dialect}: sx command`, () => {
    let env: TestEnv
    before(async () => { env = await startTestEnv(dialect) })
    after(() => env.close())

    it('init --json creates a shop whose two keys hold all nine abilities', async () => {
      const run = runSx(['init', '--shop', 'Acme', '--email', 'Founder@Acme.test', '--json'], { DATABASE_URL: env.dbUrl })
      assert.equal(await run.exited, 0, run.output().stderr)
      const result = JSON.parse(run.output().stdout)
      assert.match(result.shop.id, /^shop_/)
      assert.match(result.keys.live, /^sx_live_[0-9A-Za-z]{24,}$/)
      assert.match(result.keys.test, /^sx_test_[0-9A-Za-z]{24,}$/)
      for (const [secret, livemode] of [[result.keys.live, true], [result.keys.test, false]] as const) {
        const keys = await client(env.app, secret).get('/v1/api-keys')
        assert.equal(keys.statusCode, 200)
        const [key] = keys.json().data
        assert.equal(key.livemode, livemode)
        assert.equal(key.abilities.length, 9)
      }

      const again = runSx(['init', '--shop', 'Acme 2', '--email', 'founder@acme.test'], { DATABASE_URL: env.dbUrl })
      assert.equal(await again.exited, 2)
      assert.match(again.output().stderr, /exists already/)
      const missing = runSx(['init', '--email', 'x@y.test'], { DATABASE_URL: env.dbUrl })
      assert.equal(await missing.exited, 2)
      assert.match(missing.output().stderr, /--shop and --email are required/)
    })

    it('migrate reports an up-to-date schema', async () => {
      const run = runSx(['migrate'], { DATABASE_URL: env.dbUrl })
      assert.equal(await run.exited, 0)
      assert.match(run.output().stdout, /up to date/)
    })
  })
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: sx serve`, () => {
    it('seeds a demo shop once on an empty database, serves it, and shuts down gracefully', async () => {
      const env = await startTestEnv(dialect)
      after(() => env.close())
      const start = () => runSx(['serve'], { DATABASE_URL: env.dbUrl, PORT: '0' })
      const first = start()
      await waitFor(() => LISTENING.test(first.output().stdout), 'the server to listen')
      const { stdout } = first.output()
      const baseUrl = stdout.match(LISTENING)![1]
      const testKey = stdout.match(/Test key:\s+(sx_test_\w+)/)?.[1]
      assert.ok(testKey, `the demo test key is printed: ${stdout}`)
      assert.match(stdout, /Owner login: demo@sx\.local \/ \S+/)
      const products = await fetch(`${baseUrl}/v1/products`, { headers: { authorization: `Bearer ${testKey}` } })
      assert.equal(products.status, 200)
      const body = await products.json()
      assert.ok(body.data.length >= 3)
      assert.ok(body.data.some((p: { type: string; stock: number }) => p.type === 'license_key' && p.stock > 0))
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

    it('two instances starting at once on an empty database migrate and seed it once', async () => {
      const database = await createDatabase(dialect)
      after(() => database.drop())
      const both = [0, 1].map(() => runSx(['serve'], { DATABASE_URL: database.url, PORT: '0' }))
      for (const run of both) await waitFor(() => LISTENING.test(run.output().stdout) || run.child.exitCode !== null, 'both servers')
      const outputs = both.map((run) => run.output())
      for (const [i, run] of both.entries()) assert.equal(run.child.exitCode, null, `instance ${i} is running: ${outputs[i]!.stderr}`)
      assert.equal(outputs.filter((o) => /Demo shop created/.test(o.stdout)).length, 1)
      for (const run of both) run.child.kill('SIGTERM')
      assert.deepEqual(await Promise.all(both.map((run) => run.exited)), [0, 0])
    })
  })
}
