#!/usr/bin/env node
// The `sx` command runs the compiled CLI; `npm start` builds it first when sources changed.
import('../dist/main/cli.js').then((cli) => cli.main(process.argv.slice(2)))
