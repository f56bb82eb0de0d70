// Runs the CLI from sources, as `sx` would from dist/ (tests spawn this with `node --import tsx`).
import { main } from '../src/main/cli.ts'

await main(process.argv.slice(2))
