/** A sleep that `wake()` cuts short: how an idle worker loop hears about new work at once. */
export function createWakeableSleep(): { sleep(ms: number): Promise<void>; wake(): void } {
  let wake: (() => void) | null = null
  return {
    sleep: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => wake?.(), ms)
        wake = () => {
          wake = null
          clearTimeout(timer)
          resolve()
        }
      }),
    wake: () => wake?.(),
  }
}
