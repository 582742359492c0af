import net from 'node:net'
import tls from 'node:tls'
import { randomUUID } from 'node:crypto'

export interface TMail {
  from: string
  to: string
  subject: string
  text: string
}

const ADDRESS = /^[^\s<>@",;]+@[^\s<>@",;]+$/

/** A header value in words any server takes: no line breaks, non-ASCII as RFC 2047 UTF-8 words. */
function headerText(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ').trim()
  return /^[\x20-\x7e]*$/.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`
}

/** The message as sent after DATA: headers, a base64 UTF-8 body, CRLF lines, dot-stuffed. */
export function formatMessage(mail: TMail, host: string): string {
  const body = Buffer.from(mail.text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n')
  const lines = [
    `From: ${mail.from}`,
    `To: <${mail.to}>`,
    `Subject: ${headerText(mail.subject)}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomUUID()}@${host}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ]
  return lines.join('\r\n').replace(/^\./gm, '..')
}

/**
 * Sends one message over SMTP: `smtp://[user:pass@]host[:port]` (plain, port 25 by default) or
 * `smtps://…` (TLS from the start, port 465). AUTH PLAIN when the URL has a user. Rejects with the
 * server's reply when a step is refused, or after `timeoutMs`.
 */
export async function sendMail(smtpUrl: string, mail: TMail, opts: { timeoutMs?: number } = {}): Promise<void> {
  const url = new URL(smtpUrl)
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('SMTP_URL must be smtp:// or smtps://')
  if (!ADDRESS.test(mail.to)) throw new Error('not an email address')
  const fromAddress = /<([^>]+)>/.exec(mail.from)?.[1] ?? mail.from
  if (!ADDRESS.test(fromAddress) || /[\r\n]/.test(mail.from)) throw new Error('SMTP_FROM is not an email address')
  const secure = url.protocol === 'smtps:'
  const port = Number(url.port || (secure ? 465 : 25))
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const socket: net.Socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port })
  socket.setTimeout(opts.timeoutMs ?? 15_000)
  let buffer = ''
  const waiting: { resolve: (reply: { code: number; text: string }) => void; reject: (e: Error) => void }[] = []
  const replies: { code: number; text: string }[] = []
  let failure: Error | null = null
  const fail = (e: Error) => {
    failure ??= e
    for (const w of waiting.splice(0)) w.reject(failure)
    socket.destroy()
  }
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    let lines: string[] = []
    for (;;) {
      const end = buffer.indexOf('\r\n')
      if (end < 0) break
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      lines.push(line)
      // The last line of a reply is "NNN text"; the ones before it "NNN-text".
      if (/^\d{3}(?: |$)/.test(line)) {
        const reply = { code: Number(line.slice(0, 3)), text: lines.join('\n') }
        lines = []
        const w = waiting.shift()
        if (w) w.resolve(reply)
        else replies.push(reply)
      }
    }
    if (lines.length > 0) buffer = lines.join('\r\n') + '\r\n' + buffer
  })
  socket.on('timeout', () => fail(new Error('the SMTP server did not answer in time')))
  socket.on('error', (e) => fail(e))
  socket.on('close', () => fail(new Error('the SMTP server closed the connection')))
  const next = () =>
    new Promise<{ code: number; text: string }>((resolve, reject) => {
      if (failure) return reject(failure)
      const r = replies.shift()
      if (r) resolve(r)
      else waiting.push({ resolve, reject })
    })
  const expect = async (codes: number[], step: string) => {
    const reply = await next()
    if (!codes.includes(reply.code)) throw new Error(`SMTP ${step} refused: ${reply.text}`)
    return reply
  }
  const command = async (line: string, codes: number[], step: string) => {
    socket.write(`${line}\r\n`)
    return expect(codes, step)
  }
  try {
    await expect([220], 'greeting')
    await command('EHLO montage', [250], 'EHLO')
    if (url.username) {
      const token = Buffer.from(`\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`).toString('base64')
      await command(`AUTH PLAIN ${token}`, [235], 'AUTH')
    }
    await command(`MAIL FROM:<${fromAddress}>`, [250], 'MAIL FROM')
    await command(`RCPT TO:<${mail.to}>`, [250, 251], 'RCPT TO')
    await command('DATA', [354], 'DATA')
    await command(`${formatMessage(mail, 'montage')}\r\n.`, [250], 'message')
    socket.write('QUIT\r\n')
  } finally {
    socket.removeAllListeners('close')
    socket.on('close', () => {})
    socket.end()
    setTimeout(() => socket.destroy(), 1_000).unref()
  }
}
