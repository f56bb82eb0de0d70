// `npm start` and `sx` run this first: compile src/ to dist/ when dist is missing or older than any
// source, and bundle the dashboard (packages/dashboard, which the server serves at /dashboard) the
// same way. It writes to stderr only, so `sx init --json` prints nothing but its JSON on stdout.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const root = new URL('..', import.meta.url).pathname
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const path = join(dir, entry.name)
    return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }, 0)

const stale = (built, ...sources) => !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs

if (stale(join(root, 'dist/main/cli.js'), join(root, 'src'))) {
  console.error('sx: building…')
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: ['ignore', 2, 2] })
}

const dashboard = join(root, '../dashboard')
// The bundle includes the SDK's sources too, and payments' pure chain facts (the payout address check).
const bundled = [join(dashboard, 'src'), join(root, '../sdk/src'), join(root, 'src/modules/payments')]
if (stale(join(dashboard, 'dist/index.html'), ...bundled)) {
  console.error('sx: building the dashboard…')
  const { buildDashboard } = await import(join(dashboard, 'build.js'))
  await buildDashboard()
}
