import { createServer } from 'node:net'

/** A free `127.0.0.1:<port>` (for the Temporal SDK's metrics endpoint, which takes an address, not port 0). */
export async function freeLoopbackAddress(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `127.0.0.1:${port}`
}
