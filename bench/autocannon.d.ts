// autocannon ships no types (and @types/autocannon is not a dependency): just the part bench/ uses.
declare module 'autocannon' {
  type Stats = { average: number; mean: number; stddev: number; min: number; max: number; p50: number; p90: number; p99: number }
  export type Options = {
    url: string
    connections?: number
    duration?: number
    headers?: Record<string, string>
    title?: string
  }
  export type Result = {
    title?: string
    requests: Stats
    latency: Stats
    throughput: Stats
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    resets: number
    '2xx': number
    statusCodeStats: Record<string, { count: number }>
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
