#!/usr/bin/env node
// The `sx` command runs the compiled CLI, compiling it first on a fresh checkout.
import { existsSync } from 'node:fs'

if (!existsSync(new URL('../dist/main/cli.js', import.meta.url))) await import('../scripts/build-if-needed.js')
const cli = await import('../dist/main/cli.js')
await cli.main(process.argv.slice(2))
