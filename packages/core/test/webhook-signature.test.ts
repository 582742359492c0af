import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { newWebhookSecret, signWebhook, verifyWebhookSignature, webhookUrlProblem } from '../src/webhook-signature'

const body = JSON.stringify({ id: 'comment.created:1', type: 'comment.created', data: { body: 'Trim the tail ✂' } })

describe('webhook signatures (the scheme README documents)', () => {
  it('signs t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, which a receiver following the README reproduces', () => {
    const secret = newWebhookSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/)
    const header = signWebhook({ secret, body, timestamp: 1_700_000_000 })
    // What the README tells a receiver to compute, written out with node:crypto alone.
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex')
    expect(header).toBe(`t=1700000000,v1=${expected}`)
    expect(verifyWebhookSignature({ secret, body, header, now: 1_700_000_100 })).toEqual({ ok: true, timestamp: 1_700_000_000 })
  })

  it('refuses a changed body, another secret, a stale or future timestamp, and malformed headers', () => {
    const secret = newWebhookSecret()
    const header = signWebhook({ secret, body, timestamp: 1_700_000_000 })
    const now = 1_700_000_000
    expect(verifyWebhookSignature({ secret, body: body.replace('Trim', 'Keep'), header, now })).toEqual({ ok: false, reason: 'no signature matches' })
    expect(verifyWebhookSignature({ secret: newWebhookSecret(), body, header, now })).toEqual({ ok: false, reason: 'no signature matches' })
    expect(verifyWebhookSignature({ secret, body, header, now: now + 301 })).toEqual({ ok: false, reason: 'the timestamp is outside the tolerance' })
    expect(verifyWebhookSignature({ secret, body, header, now: now - 301 })).toEqual({ ok: false, reason: 'the timestamp is outside the tolerance' })
    expect(verifyWebhookSignature({ secret, body, header: undefined, now })).toMatchObject({ ok: false })
    expect(verifyWebhookSignature({ secret, body, header: header.replace(/t=\d+,/, ''), now })).toMatchObject({ ok: false, reason: 'no timestamp (t=) in the signature header' })
    expect(verifyWebhookSignature({ secret, body, header: 't=1700000000,v1=zz', now })).toMatchObject({ ok: false, reason: 'no v1 signature in the signature header' })
    // A re-signed timestamp without the secret does not pass.
    expect(verifyWebhookSignature({ secret, body, header: header.replace('t=1700000000', 't=1700000200'), now: now + 200 })).toMatchObject({ ok: false })
  })

  it('accepts any matching v1 among several (a secret being rotated)', () => {
    const secret = newWebhookSecret()
    const good = signWebhook({ secret, body, timestamp: 1_700_000_000 }).split(',')[1]
    const other = signWebhook({ secret: newWebhookSecret(), body, timestamp: 1_700_000_000 }).split(',')[1]
    expect(verifyWebhookSignature({ secret, body, header: `t=1700000000,${other},${good}`, now: 1_700_000_000 })).toMatchObject({ ok: true })
  })
})

describe('webhook URLs', () => {
  it('takes public http(s) URLs and names what is wrong with the rest', async () => {
    expect(await webhookUrlProblem('https://93.184.215.14/hooks', { allowPrivate: false })).toBeNull()
    expect(await webhookUrlProblem('ftp://example.com/x', { allowPrivate: true })).toBe('url: only http:// and https:// URLs are allowed')
    expect(await webhookUrlProblem('not a url', { allowPrivate: true })).toBe('url: not a URL')
    expect(await webhookUrlProblem('https://user:pw@example.com/', { allowPrivate: true })).toBe('url: credentials in the URL are not allowed')
    for (const host of ['127.0.0.1', '10.1.2.3', '192.168.0.9', '172.20.0.1', '169.254.169.254', '[::1]', '[fd00::1]', '[::ffff:127.0.0.1]', 'localhost']) {
      expect(await webhookUrlProblem(`http://${host}:8080/x`, { allowPrivate: false })).toMatch(/is a private, loopback or reserved address/)
    }
    expect(await webhookUrlProblem('http://127.0.0.1:8080/x', { allowPrivate: true })).toBeNull()
  })
})
