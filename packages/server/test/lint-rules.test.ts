// The house rules eslint.config.js holds (issue 11 item 5), checked on planted snippets linted as if
// they lived at a given path: a rule that stops applying (a moved folder, a glob that no longer
// matches, a later config object that replaces its options) fails here rather than going quiet.
// `npm run lint` checks the tree itself; this checks that the rules would catch a break.
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, 'eslint.config.js') })

/** What ESLint reports for `text` at `file` (relative to the repo root), as "line rule" (warnings marked). */
async function findings(file: string, lines: string[]): Promise<string[]> {
  const [result] = await eslint.lintText(lines.join('\n') + '\n', { filePath: path.join(ROOT, file) })
  assert.ok(result, `no result for ${file}`)
  return result.messages.map(
    (m) => `${m.line} ${m.ruleId ?? `fatal: ${m.message}`}${m.severity === 1 ? ' (warn)' : ''}`,
  )
}

describe('lint rules: doors between modules', () => {
  it('a module reaches another only through its index.ts, static, re-exported or dynamic', async () => {
    const found = await findings('packages/server/src/modules/orders/planted.ts', [
      "import { findProduct } from '../catalog/catalog.repository.ts'",
      "import { reserveStock } from '../catalog/index.ts'",
      "export { adjustStock } from '../catalog/stock.service.ts'",
      "import type { Deps } from '../../modules/ledger/ledger.service.ts'",
      "import { loadOrder } from './order-state.ts'",
      "import { AppError } from '../../platform/errors.ts'",
      "import type { Db } from '../../db/database.ts'",
      "const counters = await import('../catalog/counters.ts')",
      'export const used = [findProduct, reserveStock, loadOrder, AppError, counters] as unknown as [Deps, Db]',
    ])
    assert.deepEqual(found, [
      '1 no-restricted-imports',
      '3 no-restricted-imports',
      '4 no-restricted-imports',
      '8 no-restricted-syntax',
    ])
  })

  it('the rest of src (app, services, worker, main) also goes through index.ts; db/database.ts may name *.table.ts', async () => {
    assert.deepEqual(
      await findings('packages/server/src/app.ts', [
        "import { createOrder } from './modules/orders/checkout.service.ts'",
        "import { ordersRoutes } from './modules/orders/index.ts'",
        'export const used = [createOrder, ordersRoutes]',
      ]),
      ['1 no-restricted-imports'],
    )
    assert.deepEqual(
      await findings('packages/server/src/db/database.ts', [
        "export type { OrdersTable } from '../modules/orders/orders.table.ts'",
      ]),
      [],
    )
  })
})

describe('lint rules: the dashboard bundles no server code but the pure chain facts', () => {
  it('names payments/chains.ts and addresses.ts, nothing else of the server', async () => {
    const found = await findings('packages/dashboard/src/pages/planted.ts', [
      "import { isValidDestination } from '../../../server/src/modules/payments/addresses.ts'",
      "import { CHAINS } from '../../../server/src/modules/payments/chains.ts'",
      "import { payoutProviderFor } from '../../../server/src/modules/payments/index.ts'",
      "import { AppError } from '../../../server/src/platform/errors.ts'",
      "import { h } from '../dom.ts'",
      'export const used = [isValidDestination, CHAINS, payoutProviderFor, AppError, h]',
    ])
    assert.deepEqual(found, ['3 no-restricted-imports', '4 no-restricted-imports'])
  })
})

describe('lint rules: platform depends on nothing above it', () => {
  it('a platform file may not name services, config, app, worker, main or a module', async () => {
    const found = await findings('packages/server/src/platform/http/planted.ts', [
      "import type { Services } from '../../services.ts'",
      "import type { Config } from '../../config.ts'",
      "import { buildApp } from '../../app.ts'",
      "export { ordersRoutes } from '../../modules/orders/index.ts'",
      "import type { Db } from '../../db/database.ts'",
      "import { AppError } from '../errors.ts'",
      "const worker = await import('../../worker.ts')",
      'export const used = [buildApp, AppError, worker] as unknown as [Services, Config, Db]',
    ])
    assert.deepEqual(found, [
      '1 no-restricted-imports',
      '2 no-restricted-imports',
      '3 no-restricted-imports',
      '4 no-restricted-imports',
      '7 no-restricted-syntax',
    ])
  })

  it('a platform file one folder up is held too', async () => {
    assert.deepEqual(
      await findings('packages/server/src/platform/planted.ts', [
        "import type { Services } from '../services.ts'",
        "import type { KeyRow } from '../modules/keys/index.ts'",
        'export type Used = [Services, KeyRow]',
      ]),
      ['1 no-restricted-imports', '2 no-restricted-imports'],
    )
  })
})

describe('lint rules: config.ts is the only reader of process.env', () => {
  const reads = [
    "import { env } from 'node:process'",
    'const { env: environment } = process',
    'export const url = process.env.DATABASE_URL ?? env.X ?? environment.Y',
  ]

  it('a module or platform file may not read it, however spelled', async () => {
    for (const file of ['packages/server/src/modules/orders/planted.ts', 'packages/server/src/platform/planted.ts']) {
      assert.deepEqual(
        await findings(file, reads),
        ['1 no-restricted-imports', '2 no-restricted-properties', '3 no-restricted-properties'],
        file,
      )
    }
  })

  it('config.ts, tests, scripts and bench may', async () => {
    for (const file of [
      'packages/server/src/config.ts',
      'packages/server/test/harness.ts',
      'packages/server/src/config.test.ts',
      'packages/server/scripts/planted.ts',
      'bench/planted.ts',
    ]) {
      assert.deepEqual(await findings(file, reads), [], file)
    }
  })
})

describe('lint rules: typing', () => {
  it("`any` is an error in src and in tests (they use the schemas' Static types)", async () => {
    const lines = ['export const parse = (text: string): any => JSON.parse(text)']
    assert.deepEqual(await findings('packages/server/src/modules/orders/planted.ts', lines), [
      '1 @typescript-eslint/no-explicit-any',
    ])
    assert.deepEqual(await findings('packages/server/test/planted.test.ts', lines), [
      '1 @typescript-eslint/no-explicit-any',
    ])
  })

  it('an empty interface is an error except the EventPayloads the modules merge into', async () => {
    const lines = ['export interface EventPayloads {}']
    assert.deepEqual(await findings('packages/server/src/modules/orders/planted.ts', lines), [
      '1 @typescript-eslint/no-empty-object-type',
    ])
    assert.deepEqual(await findings('packages/server/src/platform/outbox/outbox.ts', lines), [])
  })
})
