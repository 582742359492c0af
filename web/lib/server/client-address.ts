import { isIPv6 } from 'node:net'

/**
 * The client's address, for per-address rate limits. The web server (`web/server.ts`) replaces
 * `X-Forwarded-For` with the one address it believes (see `forwardedClient`); under `next dev`
 * the header is what Next set from the socket, or the client's own words.
 */
export function clientAddress(req: Request): string {
  const forwarded = req.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
  return addressKey(forwarded || 'unknown')
}

/**
 * One key per client: an IPv4-mapped IPv6 address is its IPv4 address, and an IPv6 address counts
 * by its /64, the block one subscriber is handed (else each of its 2^64 addresses would be a new key).
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]!
  if (!isIPv6(address)) return address
  const [head = '', tail = ''] = address.split('%')[0]!.split('::')
  const left = head ? head.split(':') : []
  const right = address.includes('::') && tail ? tail.split(':') : []
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`
}
