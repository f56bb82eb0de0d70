// Bundles src/ into dist/: assets/main-<hash>.js and .css (content-hashed, so the server caches them
// for a year) and index.html, the shell naming them (no inline script or style: the CSP forbids them).
// `npm start` runs this through packages/server/scripts/build-if-needed.js when src/ is newer.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = fileURLToPath(new URL('.', import.meta.url))

export async function buildDashboard() {
  const dist = join(root, 'dist')
  const result = await esbuild.build({
    entryPoints: [join(root, 'src/main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outdir: join(dist, 'assets'),
    entryNames: '[name]-[hash]',
    // Code the pages import() (the Markdown renderer, most of the bundle's weight) becomes its own
    // chunk, fetched by the pages that need it.
    splitting: true,
    chunkNames: '[name]-[hash]',
    metafile: true,
    write: false,
    logLevel: 'warning',
  })
  mkdirSync(join(dist, 'assets'), { recursive: true })
  for (const file of result.outputFiles) writeWhole(file.path, file.contents)
  const outputs = result.outputFiles.map((file) => basename(file.path))
  const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint)
  const js = basename(entry[0])
  const css = basename(entry[1].cssBundle)
  writeWhole(
    join(dist, 'index.html'),
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sx dashboard</title>
<link rel="stylesheet" href="/dashboard/assets/${css}">
<script type="module" src="/dashboard/assets/${js}"></script>
</head>
<body><div id="app"><p class="loading" role="status">Loading…</p></div></body>
</html>
`,
  )
  for (const name of readdirSync(join(dist, 'assets')))
    if (!outputs.includes(name) && !name.endsWith('.tmp')) rmSync(join(dist, 'assets', name), { force: true })
}

/**
 * Test files start `sx` children in parallel and each may build: every file is swapped in whole
 * (rename), and the same sources give the same asset names, so concurrent builds agree.
 */
function writeWhole(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, contents)
  renameSync(temporary, path)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDashboard()
