// Password reset: by an emailed single-use link (through the mail outbox to a local SMTP sink), and
// by the operator at the command line (`sx owner reset-password`).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, problem, startTestEnv, type TestEnv } from './harness.ts'
import { runSx } from './processes.ts'
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts'
import { signIn, signInRequest, withSession } from './session-helpers.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: password reset`, () => {
    let env: TestEnv
    let smtp: SmtpSink
    before(async () => {
      smtp = await startSmtpSink()
      env = await startTestEnv(dialect, { SMTP_URL: smtp.url, SIGN_IN_PER_ADDRESS: '1000' })
    })
    after(async () => {
      await env.close()
      await smtp.close()
    })

    const ask = (email: string) => env.app.inject({ method: 'POST', url: '/auth/password-reset', payload: { email } })
    const confirm = (token: string, password: string) =>
      env.app.inject({ method: 'POST', url: '/auth/password-reset/confirm', payload: { token, password } })

    it('mails a single-use link that sets a new password and signs the owner out everywhere', async () => {
      const shop = await env.newShop()
      const before = await signIn(env.app, shop.owner.email)
      const unknown = await ask('nobody@example.com')
      const known = await ask(shop.owner.email)
      assert.equal(known.statusCode, 202)
      assert.deepEqual([unknown.statusCode, unknown.body], [known.statusCode, known.body])

      await env.drain()
      const mail = await smtp.waitFor((m) => m.to.includes(shop.owner.email))
      const token = /reset-password#token=([0-9A-Za-z]+)/.exec(mail.text)?.[1]
      assert.ok(token, mail.text)
      assert.equal(smtp.messages.filter((m) => m.to.includes('nobody@example.com')).length, 0)

      assert.equal((await confirm(token, 'reset password 1')).statusCode, 200)
      const again = problem(await confirm(token, 'reset password 2'), 422, 'unprocessable')
      assert.ok(again.errors?.token)
      problem(await withSession(env.app, before, 'GET', '/v1/products'), 401, 'unauthenticated')
      problem(await signInRequest(env.app, shop.owner.email), 401, 'unauthenticated')
      await signIn(env.app, shop.owner.email, 'reset password 1')
    })

    it('lets the operator reset a password at the command line', async () => {
      const shop = await env.newShop()
      const session = await signIn(env.app, shop.owner.email)
      const sx = (args: string[]) =>
        runSx(['owner', 'reset-password', ...args], { DATABASE_URL: env.dbUrl, SX_DATA_DIR: env.dataDir })
      const generated = sx(['--email', shop.owner.email])
      assert.equal(await generated.exited, 0, generated.output().stderr)
      const password = /reset: (\S+)\./.exec(generated.output().stdout)?.[1]
      assert.ok(password, generated.output().stdout)
      problem(await withSession(env.app, session, 'GET', '/v1/products'), 401, 'unauthenticated')
      await signIn(env.app, shop.owner.email, password)

      const chosen = sx(['--email', shop.owner.email.toUpperCase(), '--password', 'chosen by the operator'])
      assert.equal(await chosen.exited, 0, chosen.output().stderr)
      await signIn(env.app, shop.owner.email, 'chosen by the operator')
      const unknown = sx(['--email', 'nobody@example.com'])
      assert.equal(await unknown.exited, 2)
      assert.match(unknown.output().stderr, /no owner has the email/)
    })
  })
}
