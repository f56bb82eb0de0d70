// platform/ depends on nothing above it (issue 11 item 4): no file under src/platform may import
// the composition root (services.ts), the configuration (config.ts), the app, the worker or a
// module; it declares the narrow ports it needs and the layers above pass themselves in. The only
// other folder of src it may name is db/ (the connection types). Imports are read by TypeScript's own
// pre-processor, so `import type`, re-exports and dynamic `import()` all count.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src')
const PLATFORM = path.join(SRC, 'platform')
/** Folders of src a platform file may import from; everything else in src is above it. */
const BELOW = [PLATFORM, path.join(SRC, 'db')]

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** The imports of `file` (given its text) that reach above platform, as "file → specifier". */
export function importsAbovePlatform(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true)
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .filter((specifier) => {
      const target = path.resolve(path.dirname(file), specifier)
      const inside = (dir: string) => target === dir || target.startsWith(dir + path.sep)
      // Test helpers outside src (a colocated test's SMTP sink) are not a layer.
      return inside(SRC) && !BELOW.some(inside)
    })
    .map((specifier) => `${path.relative(SRC, file)} → ${specifier}`)
}

describe('layering: platform depends on nothing above it', () => {
  it('no file under src/platform imports services, config, app, worker or a module', () => {
    const files = sourceFiles(PLATFORM)
    assert.ok(files.length > 30, `expected the platform sources, found ${files.length}`)
    const offending = files.flatMap((file) => importsAbovePlatform(file, readFileSync(file, 'utf8')))
    assert.deepEqual(offending, [], `platform files import from above platform:\n${offending.join('\n')}`)
  })

  it('the scan names the file and the import when one reaches above (type-only, re-export and dynamic included)', () => {
    const file = path.join(PLATFORM, 'http', 'pipeline.ts')
    const planted = [
      "import type { Services } from '../../services.ts'",
      "export { ordersRoutes } from '../../modules/orders/index.ts'",
      "const config = await import('../../config.ts')",
      "import type { Db } from '../../db/database.ts'",
      "import { AppError } from '../errors.ts'",
      "import fastify from 'fastify'",
      "import { startSmtpSink } from '../../../test/smtp-sink.ts'",
    ].join('\n')
    assert.deepEqual(importsAbovePlatform(file, planted), [
      'platform/http/pipeline.ts → ../../services.ts',
      'platform/http/pipeline.ts → ../../modules/orders/index.ts',
      'platform/http/pipeline.ts → ../../config.ts',
    ])
  })
})
