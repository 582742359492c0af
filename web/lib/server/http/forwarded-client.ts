import { isIP } from 'node:net'

export interface ForwardedClientOptions {
  /** The TCP peer: the client itself, or the nearest proxy. */
  remoteAddress: string | undefined
  /** Whether the TCP connection itself is TLS. */
  encrypted: boolean
  /** The request's `X-Forwarded-For` and `X-Forwarded-Proto`, as received (possibly forged). */
  forwardedFor: string | string[] | undefined
  forwardedProto: string | string[] | undefined
  /** How many proxies in front may be believed (TRUST_PROXY); 0 believes none. */
  trustProxy: number
}

export interface ForwardedClient {
  /** The client's address as far as the trusted hops can tell. */
  address: string
  proto: 'http' | 'https'
}

function entries(v: string | string[] | undefined): string[] {
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).split(',').map((s) => s.trim()).filter(Boolean)
}

/**
 * Who sent a request and over what. With no trusted proxy the socket decides and the forwarded
 * headers are ignored (a client can write anything there). Behind `trustProxy` proxies, each
 * appends the address it saw, so the client is the entry that many places from the right; entries
 * further left were written by the client and are never believed.
 */
export function forwardedClient(o: ForwardedClientOptions): ForwardedClient {
  const peer = o.remoteAddress ?? 'unknown'
  if (o.trustProxy <= 0) return { address: peer, proto: o.encrypted ? 'https' : 'http' }
  const chain = [...entries(o.forwardedFor), peer]
  const candidate = chain[Math.max(0, chain.length - 1 - o.trustProxy)]!
  const address = isIP(candidate) ? candidate : peer
  // The proxy nearest to us speaks last: its view of the scheme is the one that counts.
  const proto = entries(o.forwardedProto).at(-1)?.toLowerCase() === 'https' ? 'https' : o.encrypted ? 'https' : 'http'
  return { address, proto }
}
