import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { lingerOnClose } from '../lib/server/http/lingering-close'

const servers: http.Server[] = []
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections()
      return new Promise((r) => s.close(r))
    }),
  )
})

/** A server that refuses every upload at once, without reading its body, as the upload route does. */
async function refusingServer(linger: boolean): Promise<number> {
  const server = http.createServer((req, res) => {
    if (linger) lingerOnClose(req, { maxMs: 10_000, idleMs: 3_000 })
    res.writeHead(413, { 'content-type': 'text/plain', 'content-length': 9, connection: 'close' })
    res.end('too large')
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return (server.address() as AddressInfo).port
}

/**
 * A client that goes on sending its body after the answer has arrived (browsers do: the upload is
 * under way), then closes its side. Resolves with the answer and how the connection ended.
 */
function uploadAfterRefusal(port: number): Promise<{ answer: string; error: string | null; serverClosed: boolean }> {
  return new Promise((resolve) => {
    // Half-open: the client's side stays open after the server's FIN, as a browser's upload does.
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    const body = 8 * 1024 * 1024
    let answer = ''
    let error: string | null = null
    let serverClosed = false
    socket.on('data', (c) => (answer += c.toString('latin1')))
    socket.on('end', () => (serverClosed = true))
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message))
    socket.on('close', () => resolve({ answer, error, serverClosed }))
    socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${body}\r\n\r\n`)
    let sent = 0
    const next = () => {
      if (socket.destroyed) return
      if (sent >= body) return socket.end()
      socket.write(Buffer.alloc(256 * 1024, 1))
      sent += 256 * 1024
      // Slowly enough that the answer arrives while most of the body is still to come.
      setTimeout(next, answer ? 1 : 10)
    }
    next()
  })
}

describe('lingerOnClose', () => {
  it('lets a client still sending a refused body read the answer, finish, and see a clean close', async () => {
    const outcome = await uploadAfterRefusal(await refusingServer(true))
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(outcome.answer).toMatch(/\r\nconnection: close\r\n/i)
    expect(outcome.answer).toMatch(/too large$/)
    expect(outcome.error).toBeNull()
    expect(outcome.serverClosed).toBe(true)
  })

  it("is what keeps that close clean: without it the same client's connection is reset", async () => {
    const outcome = await uploadAfterRefusal(await refusingServer(false))
    expect(outcome.error).toMatch(/^(ECONNRESET|EPIPE)$/)
  })
})
