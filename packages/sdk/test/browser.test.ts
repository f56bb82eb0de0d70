// The SDK in a real browser (Debian's Chromium, as the server's browser tests): bundled for the
// browser platform (a Node built-in anywhere in its imports fails the build), loaded by a page on
// sx's own origin, making typed calls against `sx serve` and verifying a signed webhook with Web
// Crypto. Skipped without a browser, except under CI=true.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { build } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { newSigningSecret, signedHeaders } from '../../server/src/platform/signing.ts'
import { DIALECTS, startSx } from './servers.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const hasBrowser = existsSync(CHROMIUM)
if (!hasBrowser && process.env.CI === 'true') throw new Error(`CI=true needs a browser at ${CHROMIUM}`)

/** What the page runs: the bundle's exports are on `window.SxSdk`. */
type Sdk = typeof import('../src/index.ts')
declare const SxSdk: Sdk

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'SxSdk',
    minify: true,
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

describe('@sx/sdk in a browser', { skip: hasBrowser ? false : `no browser at ${CHROMIUM}` }, () => {
  let browser: Browser
  let script: string
  before(async () => {
    script = await bundle()
    console.log(`browser bundle: ${(script.length / 1024).toFixed(1)} KiB minified`)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    })
  })
  after(() => browser?.close())

  for (const dialect of DIALECTS) {
    it(`${dialect}: calls sx and verifies a webhook from a page`, async (t) => {
      const server = await startSx(dialect)
      t.after(() => server.stop())
      const page = await browser.newPage()
      t.after(() => page.close())
      // A page on sx's origin (same-origin calls, as the dashboard's) that only loads the bundle, and
      // the `__name` helper tsx (esbuild's keepNames) wraps this file's named functions in.
      const pageUrl = `${server.baseUrl}/__sdk_test__`
      const keepNames = 'var __name = (fn) => fn;'
      await page.route(pageUrl, (route) =>
        route.fulfill({ contentType: 'text/html', body: `<!doctype html><script>${keepNames}${script}</script>` }),
      )
      await page.goto(pageUrl)

      const secret = newSigningSecret()
      const body = JSON.stringify({ id: 'evt_1', type: 'ping', created_at: new Date().toISOString(), data: {} })
      const headers = signedHeaders({ secrets: [secret], id: 'evt_1', timestamp: Math.floor(Date.now() / 1000), body })

      const result = await page.evaluate(
        async ({ apiKey, secret, headers, body }) => {
          const sx = SxSdk.createClient({ baseUrl: location.origin, apiKey })
          const name = `from a browser ${Date.now()}`
          const product = await sx.POST('/v1/products', {
            body: { name, type: 'physical', price_cents: 100, currency: 'USD' },
          })
          const listed = []
          for await (const item of sx.paginate('/v1/products', { params: { query: { limit: 1 } } }))
            if (item.name === name) listed.push(item.id)
          const missing = await sx
            .GET('/v1/products/{id}', { params: { path: { id: 'prod_01J00000000000000000000000' } } })
            .catch((error: unknown) => error)
          // A file upload through XMLHttpRequest, its progress reported as the bytes go.
          const fileProduct = await sx.POST('/v1/products', {
            body: { name: `${name} file`, type: 'file_download', price_cents: 100, currency: 'USD' },
          })
          const progress: number[] = []
          const uploaded = await sx.uploadFile({
            productId: fileProduct.id,
            file: new File([new Uint8Array(3 * 1024 * 1024)], 'big.bin'),
            onProgress: (sent) => progress.push(sent),
          })
          const refused = await sx
            .uploadFile({ productId: product.id, file: new Blob(['x']), filename: 'x.bin' })
            .catch((error: unknown) => error)
          const event = await SxSdk.verifyWebhook({ secret, headers: new Headers(headers), body })
          const tampered = await SxSdk.verifyWebhook({ secret, headers, body: body + ' ' }).catch(
            (error: { code: string }) => error.code,
          )
          return {
            created: product.id,
            listed,
            missing: missing instanceof SxSdk.SxError ? [missing.type, missing.status] : String(missing),
            uploaded: uploaded.file,
            progress,
            refused: refused instanceof SxSdk.SxError ? [refused.status, refused.detail] : String(refused),
            event: event.type,
            tampered,
          }
        },
        { apiKey: server.apiKey, secret, headers, body },
      )
      assert.deepEqual(result.listed, [result.created])
      assert.deepEqual(result.missing, ['not_found', 404])
      assert.deepEqual(
        { ...result.uploaded, sha256: undefined },
        { name: 'big.bin', size: 3 * 1024 * 1024, sha256: undefined },
      )
      assert.ok(result.progress.length >= 1 && result.progress.at(-1) === 3 * 1024 * 1024, String(result.progress))
      assert.ok(
        result.progress.every((sent, i) => i === 0 || sent >= result.progress[i - 1]!),
        'progress only grows',
      )
      assert.equal(result.refused[0], 422, String(result.refused))
      assert.equal(result.event, 'ping')
      assert.equal(result.tampered, 'bad_signature')
    })
  }
})
