import net from 'node:net'

export interface TCaughtMail {
  from: string
  to: string[]
  /** Headers as sent (lower-cased names), and the body decoded from base64 when it was. */
  headers: Record<string, string>
  subject: string
  text: string
}

function decodeWords(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([^?]+)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'))
}

function parse(from: string, to: string[], data: string): TCaughtMail {
  const raw = data.replace(/^\.\./gm, '.')
  const split = raw.indexOf('\r\n\r\n')
  const headers: Record<string, string> = {}
  for (const line of raw.slice(0, split).split('\r\n')) {
    const i = line.indexOf(':')
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim()
  }
  const body = raw.slice(split + 4)
  const text = /base64/i.test(headers['content-transfer-encoding'] ?? '') ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body
  return { from, to, headers, subject: decodeWords(headers.subject ?? ''), text }
}

/**
 * A local SMTP server for tests (plain SMTP, no TLS): takes every message and keeps it. Speaks
 * just enough of RFC 5321 for a client: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
 */
export async function startSmtpCatcher(): Promise<{ url: string; mails: TCaughtMail[]; close(): Promise<void> }> {
  const mails: TCaughtMail[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let buffer = ''
    let from = ''
    let to: string[] = []
    let data: string | null = null
    const reply = (line: string) => socket.write(`${line}\r\n`)
    reply('220 catcher ESMTP')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end < 0) return
          data += buffer.slice(0, end)
          buffer = buffer.slice(end + 5)
          mails.push(parse(from, to, data))
          data = null
          from = ''
          to = []
          reply('250 queued')
          continue
        }
        const end = buffer.indexOf('\r\n')
        if (end < 0) return
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO' || verb === 'HELO') reply('250 catcher')
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? ''
          reply('250 ok')
        }
        else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '')
          reply('250 ok')
        }
        else if (verb === 'DATA') {
          data = ''
          reply('354 end with <CRLF>.<CRLF>')
        }
        else if (verb === 'RSET') {
          from = ''
          to = []
          reply('250 ok')
        }
        else if (verb === 'NOOP') reply('250 ok')
        else if (verb === 'QUIT') {
          reply('221 bye')
          socket.end()
        }
        else reply('502 not implemented')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
