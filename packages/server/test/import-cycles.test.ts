// No runtime import cycle between files under src/: each relative import or re-export that is not
// `import type` / `export type` (erased before running) is an edge, and a depth-first walk fails on
// any back edge, naming the files around the loop.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const SRC = join(import.meta.dirname, '..', 'src')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"`;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g

export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const edges: string[] = []
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), (m[1] ?? m[2] ?? m[3])!)
      if (existsSync(target)) edges.push(target)
    }
    graph.set(file, edges)
  }
  return graph
}

/** Every cycle found by a depth-first walk, each as the list of files around it. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const cycles: string[][] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  return cycles
}

test('the walk finds a planted cycle', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ])
  assert.deepEqual(findCycles(graph), [['a', 'b', 'c', 'a']])
})

test('no import cycle between files under src/', () => {
  const files = walk(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  const cycles = findCycles(importGraph(files)).map((c) => c.map((f) => relative(SRC, f)).join(' → '))
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`)
})
