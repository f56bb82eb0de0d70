/**
 * A sleep that `wake(at)` shortens: how an idle loop hears of new work. A wake for a time after the
 * sleep's end changes nothing (the loop looks by then anyway); one for an earlier time moves the
 * end there (now, without `at`). A wake while the loop is awake (halfway through a look that may
 * have missed the new work) is kept: the next sleep ends by then.
 */
export type WakeableSleep = { sleep(ms: number): Promise<void>; wake(at?: number): void }

export function createWakeableSleep(now: () => number = Date.now): WakeableSleep {
  /** The current sleep: when it ends, and how to move that; null while awake. */
  let current: { end: number; moveTo(at: number): void } | null = null
  let wakeBy = Infinity
  return {
    sleep: (ms) =>
      new Promise((resolve) => {
        const end = Math.min(now() + ms, wakeBy)
        wakeBy = Infinity
        let timer: NodeJS.Timeout | undefined
        const moveTo = (at: number) => {
          clearTimeout(timer)
          const wait = at - now()
          if (wait <= 0) {
            current = null
            resolve()
            return
          }
          current = { end: at, moveTo }
          timer = setTimeout(() => moveTo(-Infinity), wait)
        }
        moveTo(end)
      }),
    wake: (at = -Infinity) => {
      if (!current) wakeBy = Math.min(wakeBy, at)
      else if (at < current.end) current.moveTo(at)
    },
  }
}
