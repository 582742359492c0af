import { describe, expect, it } from 'vitest'
import { demoListenRefusal, isLoopbackHostHeader, isLoopbackIp, loopbackRequestRefusal, PROXIED_HEADER } from '../lib/server/loopback'
import { isHttpsRequest } from '../lib/server/is-https-request'
import { forwardedClient } from '../lib/server/http/forwarded-client'
import { safeNextPath } from '../lib/safe-next-path'

describe('loopback', () => {
  it('knows the addresses and host names that can only mean this machine', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackIp(a), a).toBe(true)
    for (const a of ['0.0.0.0', '::', '192.0.2.2', '10.0.0.1', '::ffff:10.0.0.1', 'localhost', '128.0.0.1']) expect(isLoopbackIp(a), a).toBe(false)
    for (const h of ['localhost:3000', 'LOCALHOST', 'app.localhost:3000', '127.0.0.1:3000', '[::1]:3000']) expect(isLoopbackHostHeader(h), h).toBe(true)
    for (const h of ['montage.example.com', '192.0.2.2:3000', '', 'localhost.example.com']) expect(isLoopbackHostHeader(h), h).toBe(false)
  })

  it('refuses demo mode on any listening address beyond loopback, and when it cannot tell', () => {
    expect(demoListenRefusal(['127.0.0.1'])).toBeNull()
    expect(demoListenRefusal(['::1', 'unix'])).toBeNull()
    expect(demoListenRefusal(['0.0.0.0'])).toMatch(/listens on 0\.0\.0\.0/)
    expect(demoListenRefusal(['127.0.0.1', '::'])).toMatch(/listens on ::/)
    expect(demoListenRefusal(null)).toMatch(/could not confirm/)
  })

  it('refuses a request addressed elsewhere or forwarded for another client', () => {
    const h = (o: Record<string, string>) => new Headers(o)
    expect(loopbackRequestRefusal(h({ host: '127.0.0.1:3000', 'x-forwarded-for': '127.0.0.1' }))).toBeNull()
    expect(loopbackRequestRefusal(h({ host: 'localhost:3000', 'x-forwarded-for': '::ffff:127.0.0.1', 'x-forwarded-host': 'localhost:3000' }))).toBeNull()
    expect(loopbackRequestRefusal(h({ host: 'montage.example.com' }))).toMatch(/addressed to montage\.example\.com/)
    expect(loopbackRequestRefusal(h({ host: 'localhost', 'x-forwarded-host': 'montage.example.com' }))).toMatch(/addressed to/)
    expect(loopbackRequestRefusal(h({ host: 'localhost', 'x-forwarded-for': '127.0.0.1, 203.0.113.9' }))).toMatch(/forwarded it for 203\.0\.113\.9/)
    expect(loopbackRequestRefusal(h({ host: 'localhost', 'x-real-ip': '203.0.113.9' }))).toMatch(/203\.0\.113\.9/)
    expect(loopbackRequestRefusal(h({ host: 'localhost', forwarded: 'for="[2001:db8::1]:4711";proto=https' }))).toMatch(/2001:db8::1/)
    expect(loopbackRequestRefusal(h({ host: 'localhost', forwarded: 'for=unknown' }))).toMatch(/unknown/)
    expect(loopbackRequestRefusal(h({ host: 'localhost', forwarded: 'for=127.0.0.1:5000' }))).toBeNull()
    // What the web server marks: a request that arrived with forwarding headers, whatever they said.
    expect(loopbackRequestRefusal(h({ host: 'localhost', [PROXIED_HEADER]: 'x-forwarded-for' }))).toMatch(/through a proxy \(x-forwarded-for\)/)
  })
})

describe('cookies behind a TLS-terminating proxy', () => {
  const req = (headers: Record<string, string>) => new Request('http://127.0.0.1:3000/api/auth/sign-in', { headers })
  it('are Secure when the web server says the browser spoke HTTPS (it sets X-Forwarded-Proto from the socket or a trusted proxy)', () => {
    expect(isHttpsRequest(req({ 'x-forwarded-proto': 'https' }))).toBe(true)
    expect(isHttpsRequest(req({ 'x-forwarded-proto': 'http' }))).toBe(false)
    expect(isHttpsRequest(req({}))).toBe(false)
    // What the server writes there: a client's own claim counts only behind a trusted proxy.
    const proto = (trustProxy: number) => forwardedClient({ remoteAddress: '10.0.0.5', encrypted: false, forwardedFor: '203.0.113.9', forwardedProto: 'https', trustProxy }).proto
    expect(proto(1)).toBe('https')
    expect(proto(0)).toBe('http')
  })
})

describe('where to go after signing in', () => {
  it('is a path on this site, never another host', () => {
    expect(safeNextPath('/invite/abc')).toBe('/invite/abc')
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'invite', undefined, ['/a']]) expect(safeNextPath(bad)).toBe('/')
  })
})
