import net from 'node:net'

/** An IP literal of this machine's loopback (127.0.0.0/8, ::1, and IPv4-mapped 127.x). */
export function isLoopbackIp(address: string): boolean {
  const a = address.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a
  return net.isIPv4(v4) && v4.startsWith('127.')
}

/** A Host header's name (port dropped) that can only mean this machine. */
export function isLoopbackHostHeader(host: string): boolean {
  const h = host.trim().toLowerCase()
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d+$/, '')
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackIp(name)
}

/**
 * Every address this process listens on. Read from the process's live handles (Node has no public
 * API for it, and Next does not say where it bound): the truth, whatever flag or variable set it.
 * Null when it cannot be read.
 */
export function listeningAddresses(): string[] | null {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.call(process)
  if (!handles) return null
  const out: string[] = []
  for (const h of handles) {
    if (!(h instanceof net.Server) || !h.listening) continue
    const a = h.address()
    // A Unix socket is reachable only from this machine.
    out.push(typeof a === 'string' ? 'unix' : (a?.address ?? 'unknown'))
  }
  return out
}

/** Why this process must not serve demo mode (it listens beyond loopback), or null when it may. */
export function demoListenRefusal(addresses: string[] | null): string | null {
  if (addresses === null) return 'Demo mode could not confirm that this server listens on loopback only.'
  const beyond = addresses.filter((a) => a !== 'unix' && !isLoopbackIp(a))
  if (beyond.length === 0) return null
  return `Demo mode (MONTAGE_DEMO=1) serves this machine only, but the server listens on ${beyond.join(', ')}. Bind it to 127.0.0.1 (web/server.ts -H 127.0.0.1) or turn demo mode off.`
}

/**
 * Set by the web server (`web/server.ts`) to the forwarding headers a request arrived with, before
 * it rewrites them to what the socket or a trusted proxy vouches for; a client's own copy is dropped.
 */
export const PROXIED_HEADER = 'x-montage-proxied'

/**
 * Why a request must not reach a loopback-only route, or null when it came from this machine: its
 * Host names this machine, and no proxy says it forwarded it for anyone else. (A server bound to
 * loopback only can be reached from elsewhere only through such a proxy.)
 */
export function loopbackRequestRefusal(headers: Headers): string | null {
  const proxied = headers.get(PROXIED_HEADER)
  if (proxied) return `it came through a proxy (${proxied.slice(0, 80)})`
  for (const name of ['host', 'x-forwarded-host']) {
    const value = headers.get(name)
    if (value === null && name !== 'host') continue
    for (const host of (value ?? '').split(',')) {
      if (!isLoopbackHostHeader(host)) return `it was addressed to ${host.trim().slice(0, 80) || 'no host'}, not to this machine`
    }
  }
  const remote = forwardedClients(headers).find((a) => !isLoopbackIp(a))
  if (remote !== undefined) return `a proxy forwarded it for ${remote.slice(0, 60) || 'an unnamed client'}`
  return null
}

/** Every client address a proxy header names (`X-Forwarded-For`, `X-Real-IP`, `Forwarded: for=`), ports and quotes removed. */
function forwardedClients(headers: Headers): string[] {
  const out = [...(headers.get('x-forwarded-for') ?? '').split(','), ...(headers.get('x-real-ip') ?? '').split(',')].map((s) => s.trim()).filter(Boolean)
  for (const part of (headers.get('forwarded') ?? '').split(/[;,]/)) {
    const m = /^\s*for\s*=\s*(.*)$/i.exec(part)
    if (!m) continue
    let v = m[1]!.trim().replace(/^"(.*)"$/, '$1')
    if (v.startsWith('[')) v = v.slice(1, v.indexOf(']') > 0 ? v.indexOf(']') : undefined)
    else if (/^[\d.]+:\d+$/.test(v)) v = v.replace(/:\d+$/, '')
    // `unknown` and obfuscated names are not this machine as far as anyone can tell.
    out.push(v)
  }
  return out
}
