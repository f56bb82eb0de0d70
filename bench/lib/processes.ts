// The webhook runs' helper processes: the receiver (receiver.ts, forked) and `sx worker` (the real
// CLI, spawned through tsx), each stopped gracefully.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Sx } from './boot.ts'
import { forkHelper } from './drive.ts'

const SX_CLI = fileURLToPath(new URL('../../packages/server/test/sx.ts', import.meta.url))

export type Receiver = { url: string; ask<T>(message: object): Promise<T>; close(): Promise<void> }

export async function startReceiver(): Promise<Receiver> {
  const child = forkHelper('./receiver.ts')
  const reply = <T>() =>
    new Promise<T>((resolve, reject) => {
      const died = (code: number | null) => reject(new Error(`the webhook receiver exited with ${code}`))
      child.once('exit', died)
      child.once('message', (message) => {
        child.off('exit', died)
        resolve(message as T)
      })
    })
  const { url } = await reply<{ url: string }>()
  return {
    url,
    ask<T>(message: object) {
      const answer = reply<T>()
      child.send(message)
      return answer
    },
    close: () => stopChild(child),
  }
}

export type SxWorker = { spawnedAt: number; readyAt: number; errors(): string; stop(): Promise<void> }

/**
 * `sx worker` as an operator starts it (from sources, through tsx), on the bench sx's database and
 * data folder, at LOG_LEVEL=info: it is ready at its "sx worker running" log line, and its errors
 * are its log lines at warn or above (and anything on stderr).
 */
export async function startSxWorker(sx: Sx): Promise<SxWorker> {
  const spawnedAt = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', SX_CLI, 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: sx.services.config.db.url,
      SX_DATA_DIR: sx.services.config.dataDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const readyAt = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
      if (/"msg":"sx worker running"/.test(stdout)) resolve(Date.now())
    })
    child.once('exit', (code) =>
      reject(new Error(`sx worker exited with ${code} before running: ${stderr.slice(-1000)}`)),
    )
  })
  const logErrors = () => stdout.split('\n').filter((line) => /^\{"level":([4-9]\d)/.test(line))
  return {
    spawnedAt,
    readyAt,
    errors: () => [stderr.trim(), ...logErrors()].filter(Boolean).join('\n'),
    stop: () => stopChild(child),
  }
}

/** SIGTERM (a graceful stop), and the exit awaited. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
