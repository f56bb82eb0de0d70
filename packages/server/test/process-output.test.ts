// What `sx serve` and `sx worker` print (audit issue 10, item 5): everything goes through the
// logger, so LOG_LEVEL governs it, and no line carries a buyer's goods or links. Without SMTP_URL
// a mail is logged by recipient, subject and id; its body (the keys, the /o/ and /dl/ links)
// stays in the `mails` table.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { connect } from '../src/db/connect.ts'
import { createSecretBox, loadOrCreateMasterKey } from '../src/platform/secret-box.ts'
import { DIALECTS, createDatabase } from './harness.ts'
import { LISTENING, runSx, waitFor } from './processes.ts'

const BUYER = 'quiet.buyer@example.com'

for (const dialect of DIALECTS) {
  describe(`${dialect}: what sx processes print`, () => {
    it('never prints goods, buyer links or their tokens; mail is logged by recipient, subject and id, and not at all when silent', async () => {
      const database = await createDatabase(dialect)
      const { db } = connect(database.url)
      after(async () => {
        await db.destroy()
        await database.drop()
      })
      const env = {
        DATABASE_URL: database.url,
        SX_DATA_DIR: database.dataDir,
        SX_DEMO_SEED: 'false',
        JOB_POLL_MS: '50',
        SMTP_URL: '',
      }
      const init = runSx(['init', '--shop', 'Quiet Co', '--email', 'quiet@example.com', '--json'], env)
      assert.equal(await init.exited, 0, init.output().stderr)
      const key = JSON.parse(init.output().stdout).keys.test as string

      const api = runSx(['serve'], { ...env, PORT: '0', SX_WORKER: 'off', LOG_LEVEL: 'info' })
      await waitFor(() => LISTENING.test(api.output().stdout), 'the server to listen')
      const base = api.output().stdout.match(LISTENING)![1]!
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        assert.ok(res.ok, `${method} ${path}: ${res.status}`)
        return res.json()
      }
      const goods = [`GOODS-${randomBytes(8).toString('hex')}`, `GOODS-${randomBytes(8).toString('hex')}`]
      const licence = await call('POST', '/v1/products', {
        name: 'Quiet Key',
        type: 'license_key',
        price_cents: 500,
        currency: 'USD',
      })
      await call('POST', `/v1/products/${licence.id}/stock`, { items: goods })
      const file = await call('POST', '/v1/products', {
        name: 'Quiet File',
        type: 'file_download',
        price_cents: 500,
        currency: 'USD',
      })
      const upload = await fetch(`${base}/v1/products/${file.id}/file?filename=quiet.bin`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${key}` },
        body: 'file bytes',
      })
      assert.equal(upload.status, 200)

      /** Places and pays an order for one key and the file; answers what the buyer got once both mails are out. */
      const buy = async () => {
        const placed = await call('POST', '/v1/orders', {
          customer_email: BUYER,
          items: [
            { product_id: licence.id, qty: 1 },
            { product_id: file.id, qty: 1 },
          ],
        })
        await call('POST', `/v1/test_helpers/orders/${placed.id}/pay`, {})
        const mailsSent = async () => {
          const mails = await db
            .selectFrom('mails')
            .select(['status', 'body_text'])
            .where('order_id', '=', placed.id)
            .execute()
          return mails.length === 2 && mails.every((mail) => mail.status === 'sent')
        }
        await waitFor(mailsSent, 'the confirmation and delivery mails to be sent', 20_000)
        const done = await call('GET', `/v1/orders/${placed.id}`)
        assert.equal(done.status, 'completed')
        const items = done.delivery.items as { value?: string; url?: string }[]
        const link = items.find((item) => item.url)!.url!
        const secrets = [
          items.find((item) => item.value)!.value!,
          new URL(done.checkout_url).pathname.slice(3),
          new URL(link).pathname.slice(4),
        ]
        // The mails really carried them (so not finding them in the output means something).
        // Stored sealed under the data folder's key, which the sx processes share with this test.
        const box = createSecretBox(loadOrCreateMasterKey(database.dataDir, null))
        const bodies = (await db.selectFrom('mails').select('body_text').where('order_id', '=', placed.id).execute())
          .map((m) => box.open(m.body_text))
          .join('\n')
        for (const secret of secrets) assert.ok(bodies.includes(secret), `the mail carries ${secret}`)
        // The buyer opens the page and downloads the file: the server logs both requests. (The
        // links name PUBLIC_URL, which with PORT=0 is not where this server listens.)
        assert.equal((await fetch(base + new URL(done.checkout_url).pathname)).status, 200)
        assert.equal((await fetch(base + new URL(link).pathname)).status, 200)
        return { id: placed.id as string, secrets }
      }
      const printed = (run: ReturnType<typeof runSx>) => run.output().stdout + run.output().stderr
      const assertNoSecrets = (text: string, secrets: string[], who: string) => {
        for (const secret of secrets) assert.ok(!text.includes(secret), `${who} printed ${secret}`)
        assert.doesNotMatch(text, /\/(o|dl)\/(?!\[redacted\])[0-9A-Za-z]/, `${who} printed a buyer link`)
      }

      // A worker at LOG_LEVEL=info logs each mail by recipient, subject and id, through pino.
      const worker = runSx(['worker'], { ...env, LOG_LEVEL: 'info' })
      await waitFor(() => /sx worker running/.test(worker.output().stdout), 'the worker to start')
      const first = await buy()
      worker.child.kill('SIGTERM')
      assert.equal(await worker.exited, 0)
      assertNoSecrets(printed(worker), first.secrets, 'sx worker')
      const lines = worker
        .output()
        .stdout.trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      const mailLines = lines.filter((line) => line.mail_id !== undefined)
      assert.equal(mailLines.length, 2, worker.output().stdout)
      for (const line of mailLines) {
        assert.equal(line.to, BUYER)
        assert.match(String(line.mail_id), /^<mail_\w+@sx>$/)
        assert.equal(typeof line.subject, 'string')
        assert.deepEqual(
          Object.keys(line)
            .filter((k) => !['level', 'time', 'pid', 'hostname', 'msg'].includes(k))
            .sort(),
          ['mail_id', 'subject', 'to'],
        )
      }
      assert.equal(worker.output().stderr, '')

      // A silent worker prints nothing at all, mail included.
      const quiet = runSx(['worker'], { ...env, LOG_LEVEL: 'silent' })
      const second = await buy()
      quiet.child.kill('SIGTERM')
      assert.equal(await quiet.exited, 0)
      assert.equal(printed(quiet), '', 'a silent worker prints nothing')

      api.child.kill('SIGTERM')
      assert.equal(await api.exited, 0)
      assert.match(api.output().stdout, /"url":"\/o\/\[redacted\]"/, 'the page request is logged, without its token')
      assert.match(api.output().stdout, /"url":"\/dl\/\[redacted\]"/, 'the download is logged, without its token')
      assertNoSecrets(printed(api), [...first.secrets, ...second.secrets], 'sx serve')
    })
  })
}
