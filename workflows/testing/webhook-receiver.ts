import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TReceivedWebhook {
  headers: IncomingHttpHeaders
  /** The raw body, as a receiver must verify it. */
  body: string
  at: number
}

export interface TWebhookReceiver {
  url: string
  received: TReceivedWebhook[]
  /** Waits until `n` requests have arrived (or `timeoutMs` passed) and returns them. */
  waitFor(n: number, timeoutMs?: number): Promise<TReceivedWebhook[]>
  close(): Promise<void>
}

/**
 * An HTTP endpoint on loopback that keeps every request it gets and answers each with the status
 * `answer` picks from the requests so far (200 when omitted), a body naming the status.
 */
export async function startWebhookReceiver(answer: (n: number, req: TReceivedWebhook) => number = () => 200): Promise<TWebhookReceiver> {
  const received: TReceivedWebhook[] = []
  const waiters = new Set<() => void>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const got: TReceivedWebhook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }
      received.push(got)
      const status = answer(received.length, got)
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status} to request ${received.length}`)
      for (const w of waiters) w()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    async waitFor(n, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < n && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const w = () => {
            waiters.delete(w)
            resolve()
          }
          waiters.add(w)
          setTimeout(w, 200)
        })
      }
      return received.slice()
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
