import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { ensureLocalKeys, signLocalToken, verifySessionToken } from '../src'

describe('local session tokens', () => {
  it('signs tokens that Clerk-style verification accepts, and keeps one key pair per data dir', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'montage-auth-'))
    const keys = await ensureLocalKeys(dir)
    expect(await ensureLocalKeys(dir)).toEqual(keys)
    const token = await signLocalToken({ privateKeyPem: keys.privateKeyPem, subject: 'local:ada', name: 'Ada', sessionId: 'sid-1' })
    const claims = await verifySessionToken(token, { jwtKey: keys.publicKeyPem })
    expect(claims).toEqual({ sub: 'local:ada', name: 'Ada', email: undefined, sid: 'sid-1' })
  })

  it('refuses an expired token, a token signed by another key, and no token', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'montage-auth-'))
    const keys = await ensureLocalKeys(dir)
    const expired = await signLocalToken({ privateKeyPem: keys.privateKeyPem, subject: 'local:ada', name: 'Ada', sessionId: 'sid-1', ttlSeconds: -60 })
    await expect(verifySessionToken(expired, { jwtKey: keys.publicKeyPem })).rejects.toMatchObject({ code: 'UNAUTHORIZED' })

    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    const forged = await signLocalToken({ privateKeyPem: other.privateKey, subject: 'local:ada', name: 'Ada', sessionId: 'sid-1' })
    await expect(verifySessionToken(forged, { jwtKey: keys.publicKeyPem })).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(verifySessionToken(undefined, { jwtKey: keys.publicKeyPem })).rejects.toThrow(/no session token/)
  })
})

describe('verified tokens', () => {
  it('answers a token verified before from memory until it expires, then refuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'montage-auth-'))
    const keys = await ensureLocalKeys(dir)
    const token = await signLocalToken({ privateKeyPem: keys.privateKeyPem, subject: 'local:ada', name: 'Ada', sessionId: 'sid-2', ttlSeconds: 60 })
    const first = await verifySessionToken(token, { jwtKey: keys.publicKeyPem })
    // The claims handed out are copies: a caller that changes them changes nothing remembered.
    first.sub = 'local:someone-else'
    expect(await verifySessionToken(token, { jwtKey: keys.publicKeyPem })).toEqual({ sub: 'local:ada', name: 'Ada', email: undefined, sid: 'sid-2' })

    // The same token with its signature altered is checked, not matched, and refused.
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    await expect(verifySessionToken(tampered, { jwtKey: keys.publicKeyPem })).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    // Under another key, what was verified under the first counts for nothing.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    await expect(verifySessionToken(token, { jwtKey: other.publicKey })).rejects.toMatchObject({ code: 'UNAUTHORIZED' })

    // Past its expiry (and the verifier's 5 s clock skew), the remembered token is refused.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 70_000)
      await expect(verifySessionToken(token, { jwtKey: keys.publicKeyPem })).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    } finally {
      vi.useRealTimers()
    }
  })
})
