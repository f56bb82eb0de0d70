// Running `sx` as a child process, as an operator would (from sources, through tsx).
import { spawn } from 'node:child_process'
import { after } from 'node:test'

export const LISTENING = /Server listening at (http:\/\/[\d.:]+)/

const SX = new URL('./sx.ts', import.meta.url).pathname

export function runSx(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', SX, ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  // A failed assertion must not leave a server running (it would keep the test process alive).
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  return { child, exited, output: () => ({ stdout, stderr }) }
}

/** A deadline that only a hang reaches: a loaded machine makes the wait longer, never a failure. */
export const PATIENCE_MS = 60_000

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = PATIENCE_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The exit code, or a failure naming the command when it is still running after `ms` (then it is killed). */
export async function exitWithin(run: ReturnType<typeof runSx>, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)))
  const result = await Promise.race([run.exited, late])
  clearTimeout(timer)
  if (result === 'late') {
    run.child.kill('SIGKILL')
    throw new Error(
      `sx ${run.child.spawnargs.slice(4).join(' ')} still runs after ${ms} ms: ${JSON.stringify(run.output())}`,
    )
  }
  return result
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
