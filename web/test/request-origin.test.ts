import { describe, expect, it } from 'vitest'
import { addressKey } from '../lib/server/client-address'
import { forwardedClient } from '../lib/server/http/forwarded-client'
import { securityHeaders } from '../lib/server/http/security-headers'

describe('forwardedClient: who sent a request', () => {
  const base = { remoteAddress: '10.0.0.7', encrypted: false, forwardedFor: undefined, forwardedProto: undefined }

  it('believes only the socket when no proxy is trusted, whatever the headers claim', () => {
    expect(forwardedClient({ ...base, forwardedFor: '1.2.3.4', forwardedProto: 'https', trustProxy: 0 })).toEqual({ address: '10.0.0.7', proto: 'http' })
    expect(forwardedClient({ ...base, encrypted: true, trustProxy: 0 })).toEqual({ address: '10.0.0.7', proto: 'https' })
  })

  it("behind one trusted proxy takes the address that proxy appended, never the client's own entries", () => {
    // The client wrote 6.6.6.6; the proxy appended the address it saw, 203.0.113.9.
    expect(forwardedClient({ ...base, forwardedFor: '6.6.6.6, 203.0.113.9', forwardedProto: 'https', trustProxy: 1 })).toEqual({ address: '203.0.113.9', proto: 'https' })
    expect(forwardedClient({ ...base, forwardedFor: ['6.6.6.6', '203.0.113.9, 10.0.0.2'], trustProxy: 2 })).toEqual({ address: '203.0.113.9', proto: 'http' })
    // A proxy that sent no header: the peer is all we know.
    expect(forwardedClient({ ...base, trustProxy: 1 }).address).toBe('10.0.0.7')
    expect(forwardedClient({ ...base, forwardedFor: 'not-an-ip', trustProxy: 1 }).address).toBe('10.0.0.7')
  })
})

describe('addressKey: one rate-limit key per client', () => {
  it('counts an IPv4-mapped address as its IPv4 address and an IPv6 address by its /64', () => {
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(addressKey('198.51.100.4')).toBe('198.51.100.4')
    expect(addressKey('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64')
    expect(addressKey('2001:db8:aa:bb::99')).toBe('2001:db8:aa:bb::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
  })
})

describe('securityHeaders', () => {
  it('lets only nonced scripts run, allows the collab WebSocket, and forbids framing', () => {
    const h = securityHeaders({ nonce: 'abc123==', collabPublicUrl: 'wss://collab.example.com/', https: true })
    const csp = Object.fromEntries(h['Content-Security-Policy']!.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
    expect(csp['script-src']).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"])
    expect(csp['script-src']).not.toContain("'unsafe-inline'")
    expect(csp['script-src']).not.toContain("'unsafe-eval'")
    expect(csp['connect-src']).toEqual(["'self'", 'wss://collab.example.com'])
    expect(csp['frame-ancestors']).toEqual(["'none'"])
    expect(csp['object-src']).toEqual(["'none'"])
    expect(h).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY', 'Strict-Transport-Security': 'max-age=31536000' })
    expect(securityHeaders({ nonce: 'n', collabPublicUrl: 'ws://localhost:1234', https: false })).not.toHaveProperty('Strict-Transport-Security')
  })

  it("in Clerk mode lets the sign-in widget reach the instance's Frontend API", () => {
    const key = `pk_test_${Buffer.from('sweet-cat-12.clerk.accounts.dev$').toString('base64')}`
    const csp = securityHeaders({ nonce: 'n', collabPublicUrl: 'ws://localhost:1234', clerkPublishableKey: key, https: false })['Content-Security-Policy']!
    expect(csp).toContain("connect-src 'self' ws://localhost:1234 https://sweet-cat-12.clerk.accounts.dev")
    expect(csp).toContain('frame-src https://challenges.cloudflare.com')
  })

  it('lets images and media load from the object store that media URLs redirect to, and nothing else from it', () => {
    const parse = (csp: string) => Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
    const csp = parse(securityHeaders({ nonce: 'n', collabPublicUrl: 'ws://localhost:1234', mediaOrigins: ['https://media.example.com'], https: true })['Content-Security-Policy']!)
    expect(csp['img-src']).toEqual(["'self'", 'data:', 'blob:', 'https://media.example.com'])
    expect(csp['media-src']).toEqual(["'self'", 'blob:', 'https://media.example.com'])
    expect(csp['connect-src']).toEqual(["'self'", 'ws://localhost:1234'])
    const local = parse(securityHeaders({ nonce: 'n', collabPublicUrl: 'ws://localhost:1234', https: true })['Content-Security-Policy']!)
    expect(local['media-src']).toEqual(["'self'", 'blob:'])
  })
})
