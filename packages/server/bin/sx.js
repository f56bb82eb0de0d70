#!/usr/bin/env node
// The `sx` command runs the compiled CLI, compiling it first when a source is newer (or on a fresh checkout).
await import('../scripts/build-if-needed.js')
const cli = await import('../dist/main/cli.js')
await cli.main(process.argv.slice(2))
