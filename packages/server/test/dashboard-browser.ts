// What every dashboard browser test needs: Chromium launched once per file, a server on a free
// loopback port (PUBLIC_URL must name the origin the browser sends: the CSRF Origin check), a page
// that records what the CSP refused, signing in through the form, and screenshots at both widths
// (SCREENSHOTS=1, SQLite run only, into docs/screenshots/). Needs Debian's chromium.
import { existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { after, before } from 'node:test'
import { chromium, type Browser } from 'playwright-core'
import { buildDashboard } from '../../dashboard/build.js'
import type { Dialect } from '../src/db/database.ts'
import type { ServiceOverrides } from '../src/services.ts'
import { startTestEnv } from './harness.ts'
import { OWNER_PASSWORD } from './session-helpers.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const hasBrowser = existsSync(CHROMIUM)
if (!hasBrowser && process.env.CI === 'true') throw new Error(`CI=true needs a browser at ${CHROMIUM}`)
const SHOTS = new URL('../../../docs/screenshots/', import.meta.url).pathname

/** `describe`'s options for a browser suite: skipped (outside CI) when there is no browser. */
export const browserSuite = { skip: hasBrowser ? false : `no browser at ${CHROMIUM}`, timeout: 240_000 }

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Builds the dashboard and launches Chromium before the file's tests; closes it after. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined
  before(async () => {
    await buildDashboard()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    })
  })
  after(async () => {
    await browser?.close()
  })
  return () => browser!
}

export type Dashboard = Awaited<ReturnType<typeof openDashboard>>

/**
 * A test env listening on a free port and a fresh page on it. `refused` collects CSP refusals
 * (tests end with `assert.deepEqual(d.refused, [])`); dialogs (confirm) are accepted. `overrides`
 * go to startTestEnv (a manual clock, say).
 */
export async function openDashboard(
  browser: Browser,
  dialect: Dialect,
  env: Record<string, string> = {},
  overrides: ServiceOverrides = {},
) {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const testEnv = await startTestEnv(dialect, { PUBLIC_URL: base, ...env }, overrides)
  // A context of its own, so a test can open more tabs sharing the session (page.context().newPage()).
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  const refused: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|Refused/i.test(message.text())) refused.push(message.text())
  })
  page.on('dialog', (dialog) => void dialog.accept())
  const shots = process.env.SCREENSHOTS === '1' && dialect === 'sqlite'
  if (shots) mkdirSync(SHOTS, { recursive: true })
  let listening = false
  return {
    env: testEnv,
    page,
    base,
    refused,
    /** Starts listening (after the test made its shops, so none is made while serving). */
    async listen() {
      if (!listening) await testEnv.app.listen({ host: '127.0.0.1', port })
      listening = true
    },
    /** Fills the sign-in form; does not wait for the result (errors are part of some tests). */
    async attemptSignIn(email: string, password = OWNER_PASSWORD) {
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(password)
      await page.getByRole('button', { name: 'Sign in' }).click()
    },
    /** Opens the dashboard and signs in; resolves on Home. */
    async signIn(email: string, password = OWNER_PASSWORD) {
      await this.listen()
      await page.goto(`${base}/dashboard`)
      await this.attemptSignIn(email, password)
      await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor()
    },
    /** `docs/screenshots/<name>-{1280,390}.png` when SCREENSHOTS=1 (SQLite run). */
    async screenshot(name: string) {
      if (!shots) return
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 })
        await page.screenshot({ path: `${SHOTS}${name}-${width}.png`, fullPage: true })
      }
      await page.setViewportSize({ width: 1280, height: 900 })
    },
    async close() {
      await context.close()
      await testEnv.close()
    },
  }
}
