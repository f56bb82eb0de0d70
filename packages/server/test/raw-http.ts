// Exact bytes over a real socket, for what neither inject nor fetch can send: a request as curl
// sends it (no body, no Content-Type), an oversized header block, bytes that are not HTTP.
import { connect } from 'node:net'

export type RawResponse = { status: number; headers: Record<string, string>; body: string }

/** Sends `request` to the listener at `base` and reads one response (by Content-Length, or to close). */
export function rawHttp(base: string, request: string): Promise<RawResponse> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let received = Buffer.alloc(0)
    let done = false
    const parsed = (): RawResponse | null => {
      const end = received.indexOf('\r\n\r\n')
      if (end < 0) return null
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n')
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      )
      const body = received.subarray(end + 4)
      if (headers['content-length'] !== undefined && body.length < Number(headers['content-length'])) return null
      return { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') }
    }
    const finish = (error?: Error) => {
      if (done) return
      const response = parsed()
      if (!response && !error) return
      done = true
      socket.destroy()
      if (response) resolve(response)
      else reject(error)
    }
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk])
      finish()
    })
    socket.on('end', () =>
      finish(new Error(`connection closed before a whole response: ${received.toString('latin1').slice(0, 200)}`)),
    )
    socket.on('error', (error) => finish(error))
    socket.write(request)
  })
}
