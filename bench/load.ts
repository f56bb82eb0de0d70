// The load generator, run as a child process by lib.ts `load()`: autocannon in its own process
// keeps its CPU out of the bench process, so process.cpuUsage() there measures the server alone.
// Protocol: one IPC message in (autocannon options), one out ({ result } or { error }).
import autocannon, { type Options } from 'autocannon'

process.once('message', (options: Options) => {
  autocannon(options).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
  )
})
