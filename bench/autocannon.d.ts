// autocannon ships no types (and @types/autocannon is not a dependency): just the part bench/ uses.
declare module 'autocannon' {
  type Stats = {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    p50: number
    p90: number
    p99: number
  }
  export type Request = {
    method?: string
    body?: string
    /** Called before each request is sent; what it returns is sent (the request is rebuilt, Content-Length too). */
    setupRequest?: (request: { method?: string; body?: string; headers?: Record<string, string> }) => {
      method?: string
      body?: string
      headers?: Record<string, string>
    }
    /** Called with every answer's status and body (autocannon only reads bodies when it is set). */
    onResponse?: (status: number, body: string) => void
  }
  export type Options = {
    url: string
    connections?: number
    duration?: number
    /** A fixed number of requests, shared among the connections; overrides duration. */
    amount?: number
    /** Seconds before a request without an answer counts as a timeout (default 10). */
    timeout?: number
    method?: string
    body?: string
    headers?: Record<string, string>
    requests?: Request[]
    title?: string
  }
  export type Result = {
    title?: string
    requests: Stats
    latency: Stats
    throughput: Stats
    duration: number
    start: Date | string
    finish: Date | string
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
