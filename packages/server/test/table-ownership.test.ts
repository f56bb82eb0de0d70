// Every table has one owner: the module (or platform) folder whose `*.table.ts` declares its row type.
// Code under src/modules and src/platform may name only its own tables, in query builders or raw SQL;
// anything else asks the owner through its door. Migrations are exempt (they build every table).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

const SRC = join(import.meta.dirname, '..', 'src')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** `modules/orders`, `platform/mail`, or `platform` for a file directly under platform/. */
export function ownerFolder(file: string): string {
  const parts = relative(SRC, file).split(sep)
  if (parts[0] === 'modules') return `modules/${parts[1]}`
  if (parts[0] === 'platform') return parts.length > 2 ? `platform/${parts[1]}` : 'platform'
  return parts[0]!
}

/** table name → owner folder, from `db/database.ts` (table: InterfaceName) and where each interface is declared. */
export function tableOwners(): Map<string, string> {
  const declaredIn = new Map<string, string>()
  for (const file of walk(SRC).filter((f) => f.endsWith('.table.ts'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/export interface (\w+)/g))
      declaredIn.set(m[1]!, ownerFolder(file))
  }
  const body = readFileSync(join(SRC, 'db', 'database.ts'), 'utf8')
    .split('export interface Database {')[1]!
    .split('}')[0]!
  const owners = new Map<string, string>()
  for (const m of body.matchAll(/^\s*(\w+): (\w+)/gm)) {
    const owner = declaredIn.get(m[2]!)
    assert.ok(owner, `the row type ${m[2]} of table ${m[1]} is not declared in any *.table.ts`)
    owners.set(m[1]!, owner)
  }
  return owners
}

const BUILDER =
  /\b(?:selectFrom|updateTable|insertInto|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|with)\(\s*['"`](\w+)/g
const RAW = /\b(?:from|join|update|into)\s+"?(\w+)"?/gi

/** Tables each line of `source` names, with their line numbers. */
export function tablesNamed(source: string, tables: Set<string>): { line: number; table: string }[] {
  const found: { line: number; table: string }[] = []
  source.split('\n').forEach((text, i) => {
    const names = new Set<string>()
    for (const m of text.matchAll(BUILDER)) names.add(m[1]!)
    // Raw SQL: only inside sql`…` templates or strings on the line, matched case-insensitively.
    if (/sql`|sql\.raw|sql\.table|\.execute\(|'|"/.test(text))
      for (const m of text.matchAll(RAW)) if (tables.has(m[1]!)) names.add(m[1]!)
    for (const table of names) if (tables.has(table)) found.push({ line: i + 1, table })
  })
  return found
}

export function violations(): string[] {
  const owners = tableOwners()
  const tables = new Set(owners.keys())
  const files = [...walk(join(SRC, 'modules')), ...walk(join(SRC, 'platform'))].filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  )
  const out: string[] = []
  for (const file of files) {
    const folder = ownerFolder(file)
    for (const { line, table } of tablesNamed(readFileSync(file, 'utf8'), tables)) {
      if (owners.get(table) !== folder)
        out.push(`${relative(SRC, file)}:${line} names ${table} (owned by ${owners.get(table)})`)
    }
  }
  return out
}

test('every table row type is declared in its owner folder and the map is complete', () => {
  const owners = tableOwners()
  assert.equal(owners.get('orders'), 'modules/orders')
  assert.equal(owners.get('jobs'), 'platform/jobs')
  assert.ok(owners.size >= 20)
})

test('the scanner sees builders, joins and raw SQL', () => {
  const tables = new Set(['orders', 'order_lines', 'products'])
  const src = [
    "db.selectFrom('orders')",
    "q.innerJoin('products', 'products.id', 'x')",
    'sql`select count(*) from order_lines where x`',
    'const from = orders // not SQL',
  ].join('\n')
  assert.deepEqual(tablesNamed(src, tables), [
    { line: 1, table: 'orders' },
    { line: 2, table: 'products' },
    { line: 3, table: 'order_lines' },
  ])
})

test('no module or platform file names a table it does not own', () => {
  const found = violations()
  assert.deepEqual(
    found,
    [],
    `tables named outside their owner (ask the owner through its index.ts):\n${found.join('\n')}`,
  )
})
