// GET/PATCH /v1/shop, and the settings on the buyer's checkout page and in the order emails.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DIALECTS, client, problem, startTestEnv, type TestEnv } from './harness.ts'
import { NO_LIMITS, newProduct, order } from './orders-helpers.ts'
import { signIn, withSession } from './session-helpers.ts'
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts'

const BRAND = {
  name: 'Northwind Keys',
  support_email: 'help@northwind.test',
  logo_url: 'https://cdn.northwind.test/logo.png',
  brand_color: '#0f766e',
}

/** The settings this file is about (shop-pages.test.ts tests the storefront ones). */
const branding = ({ id, name, support_email, logo_url, brand_color }: Record<string, unknown>) => ({
  id,
  name,
  support_email,
  logo_url,
  brand_color,
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: shop settings`, () => {
    let env: TestEnv
    let smtp: SmtpSink
    before(async () => {
      smtp = await startSmtpSink()
      env = await startTestEnv(dialect, { ...NO_LIMITS, SMTP_URL: smtp.url, SIGN_IN_PER_ADDRESS: '1000' })
    })
    after(async () => {
      await env.close()
      await smtp.close()
    })

    it('reads and updates the settings, refusing bad values and keys without all nine abilities', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      const initial = (await api.get('/v1/shop')).json()
      assert.deepEqual(branding(initial), {
        id: shop.shop.id,
        name: 'Test Shop',
        support_email: null,
        logo_url: null,
        brand_color: null,
      })
      const reader = await api.post('/v1/api-keys', { name: 'reader', abilities: ['products:read'] })
      const limited = client(env.app, reader.json().secret)
      assert.equal((await limited.get('/v1/shop')).statusCode, 200)
      problem(await limited.patch('/v1/shop', { name: 'Hijacked' }), 403, 'forbidden_scope')

      for (const bad of [
        { brand_color: 'teal' },
        { brand_color: '#12345' },
        { logo_url: 'http://cdn.example/logo.png' },
        { logo_url: 'https://user:pw@cdn.example/logo.png' },
        { support_email: 'not an email' },
        { name: '   ' },
        { colour: '#000000' },
      ]) {
        const refused = await api.patch('/v1/shop', bad)
        assert.equal(refused.statusCode, 422, `${JSON.stringify(bad)} → ${refused.body}`)
      }
      const updated = await client(env.app, shop.keys.live).patch('/v1/shop', BRAND)
      assert.equal(updated.statusCode, 200, updated.body)
      assert.deepEqual(branding(updated.json()), { ...BRAND, id: shop.shop.id })
      // One shop, both modes.
      assert.equal((await api.get('/v1/shop')).json().brand_color, BRAND.brand_color)
      const cleared = await api.patch('/v1/shop', { logo_url: null })
      assert.equal(cleared.json().logo_url, null)
      assert.equal(cleared.json().name, BRAND.name)
    })

    it('lets the signed-in owner change the settings', async () => {
      const shop = await env.newShop()
      const session = await signIn(env.app, shop.owner.email)
      const changed = await withSession(env.app, session, 'PATCH', '/v1/shop', { brand_color: '#112233' })
      assert.equal(changed.statusCode, 200, changed.body)
      problem(
        await withSession(env.app, session, 'PATCH', '/v1/shop', { name: 'x' }, { cookie: session.cookie }),
        403,
        'forbidden_scope',
      )
    })

    it('shows the name, colour, logo and support address on the checkout page and in the order email', async () => {
      const shop = await env.newShop()
      const api = client(env.app, shop.keys.test)
      assert.equal((await api.patch('/v1/shop', BRAND)).statusCode, 200)
      const product = await newProduct(api, {}, ['BRAND-KEY-1'])
      const placed = await order(api, [{ product_id: product, qty: 1 }], { customer_email: 'brand@example.com' })

      const page = await env.app.inject({ method: 'GET', url: new URL(placed.checkout_url).pathname })
      assert.equal(page.statusCode, 200)
      assert.ok(page.body.includes('Northwind Keys'))
      assert.ok(page.body.includes('--accent: #0f766e'))
      assert.ok(page.body.includes('<img class="shop-logo" src="https://cdn.northwind.test/logo.png"'))
      assert.ok(page.body.includes('mailto:help@northwind.test'))
      assert.match(String(page.headers['content-security-policy']), /img-src data: https:\/\/cdn\.northwind\.test;/)

      const mail = await smtp.waitFor((m) => m.to.includes('brand@example.com'))
      assert.match(mail.subject, /Northwind Keys/)
      assert.ok(mail.html?.includes('background:#0f766e;color:#ffffff'), 'the button takes the brand colour')
      assert.ok(mail.html?.includes('src="https://cdn.northwind.test/logo.png"'))
      assert.ok(mail.text.includes('Questions? help@northwind.test'))

      // Without settings the page makes no outside request at all.
      const plain = await env.newShop()
      const plainApi = client(env.app, plain.keys.test)
      const other = await order(plainApi, [{ product_id: await newProduct(plainApi, {}, ['K']), qty: 1 }])
      const plainPage = await env.app.inject({ method: 'GET', url: new URL(other.checkout_url).pathname })
      assert.match(String(plainPage.headers['content-security-policy']), /img-src data:;/)
      assert.ok(!plainPage.body.includes('shop-logo"'))
    })
  })
}
