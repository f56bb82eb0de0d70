// A loopback proxy in front of PostgreSQL that reads the frontend protocol sx sends, so tests count
// what reaches the server: round trips (each ends in a Sync or is one simple Query), the statements
// parsed (and their SQL), and it can hold the server's answers or cut a connection mid-statement.
import { createServer, connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export type PgWireProxy = {
  /** The database URL with the proxy's address in place of the server's. */
  url: string
  /** Round trips since the last reset: Sync messages plus simple Query messages. */
  roundTrips(): number
  /** SQL of every statement parsed (Parse or simple Query) since the last reset. */
  parsed(): string[]
  reset(): void
  /**
   * Cuts (closes both sides of) the first connection that next sends a statement matching `when`
   * (its SQL, or `bind <name>` for a named statement run again); once.
   */
  cutWhen(when: (statement: string) => boolean): void
  cuts(): number
  /** Stops passing the server's answers on the connections open now until `release()`; statements still reach the server. */
  hold(): void
  release(): void
  close(): Promise<void>
}

const SSL_REQUEST = 80877103

export async function startPgWireProxy(databaseUrl: string): Promise<PgWireProxy> {
  const target = new URL(databaseUrl)
  let roundTrips = 0
  let parsed: string[] = []
  let cutWhen: ((sql: string) => boolean) | null = null
  let cuts = 0
  const held: (() => void)[] = []
  const holds = new Set<{ holding: boolean }>()
  const sockets = new Set<Socket>()

  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
    }
    const cut = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    const answers = { holding: false }
    holds.add(answers)
    client.on('close', () => holds.delete(answers))
    upstream.on('data', (chunk) => {
      if (answers.holding) held.push(() => client.write(chunk))
      else client.write(chunk)
    })
    let buffer = Buffer.alloc(0)
    let started = false
    client.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      let forward = 0
      for (;;) {
        // The startup (and SSL request) messages carry no type byte; every later one does.
        const header = started ? 5 : 4
        if (buffer.length - forward < header) break
        const length = started ? buffer.readInt32BE(forward + 1) + 1 : buffer.readInt32BE(forward)
        if (buffer.length - forward < length) break
        const message = buffer.subarray(forward, forward + length)
        if (!started) started = message.readInt32BE(4) !== SSL_REQUEST
        else {
          const statement = statementOf(message)
          if (statement !== null && cutWhen?.(statement)) {
            cutWhen = null
            cuts++
            cut()
            return
          }
          if (statement !== null && message[0] !== 0x42 /* B */) parsed.push(statement)
          if (message[0] === 0x53 /* S */ || message[0] === 0x51 /* Q */) roundTrips++
        }
        forward += length
      }
      upstream.write(buffer.subarray(0, forward))
      buffer = buffer.subarray(forward)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(databaseUrl)
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: url.toString(),
    roundTrips: () => roundTrips,
    parsed: () => [...parsed],
    reset: () => {
      roundTrips = 0
      parsed = []
    },
    cutWhen: (when) => void (cutWhen = when),
    cuts: () => cuts,
    hold: () => holds.forEach((answers) => (answers.holding = true)),
    release: () => {
      holds.forEach((answers) => (answers.holding = false))
      for (const write of held.splice(0)) write()
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The SQL of a Parse ('P': name, then the text) or simple Query ('Q'), `bind <statement>` of a Bind ('B': portal, statement); null for others. */
function statementOf(message: Buffer): string | null {
  if (message[0] === 0x51) return message.toString('utf8', 5, message.indexOf(0, 5))
  if (message[0] === 0x42) {
    const statementStart = message.indexOf(0, 5) + 1
    return `bind ${message.toString('utf8', statementStart, message.indexOf(0, statementStart))}`
  }
  if (message[0] !== 0x50) return null
  const textStart = message.indexOf(0, 5) + 1
  return message.toString('utf8', textStart, message.indexOf(0, textStart))
}
