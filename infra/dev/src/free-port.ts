import { createServer } from 'node:net'

/**
 * Ports are picked below Linux's ephemeral range (32768–60999 by default): between our check and
 * the server's own listen, any outgoing connection on the machine (to PostgreSQL, NATS…) may take
 * a port of that range as its source port, and the listen then fails with EADDRINUSE.
 */
const LOW = 20_000
const HIGH = 32_767
/** Ports this process handed out, not handed out again. */
const handedOut = new Set<number>()

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(null))
    srv.listen(port, '127.0.0.1', () => {
      const { port: bound } = srv.address() as { port: number }
      srv.close(() => resolve(bound))
    })
  })
}

/** A TCP port on 127.0.0.1 that was free a moment ago, for test and bench servers. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1))
    if (handedOut.has(port)) continue
    if ((await tryListen(port)) !== null) {
      handedOut.add(port)
      return port
    }
  }
  // A crowded machine: let the OS pick one.
  const port = await tryListen(0)
  if (port === null) throw new Error('No free TCP port on 127.0.0.1.')
  return port
}
