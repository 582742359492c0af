import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/**
 * The signature scheme of Montage webhooks, for Montage and for whoever receives them (README,
 * "Webhooks"): `Montage-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Node only (node:crypto), so it is its own entry, `@montage/core/webhooks`, kept out of browser bundles.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'Montage-Signature'
export const WEBHOOK_EVENT_HEADER = 'Montage-Event'
export const WEBHOOK_DELIVERY_HEADER = 'Montage-Delivery'
/** Receivers refuse a signature older (or further in the future) than this. */
export const WEBHOOK_TOLERANCE_SECONDS = 300

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

/** The header value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(opts: { secret: string; body: string; timestamp: number }): string {
  return `t=${opts.timestamp},v1=${hmacHex(opts.secret, opts.timestamp, opts.body)}`
}

export interface VerifyWebhookOptions {
  secret: string
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string
  /** The `Montage-Signature` header. */
  header: string | null | undefined
  /** Unix seconds; now by default. */
  now?: number
  toleranceSeconds?: number
}

export type TVerifyWebhookResult = { ok: true; timestamp: number } | { ok: false; reason: string }

/** Checks a delivery: one of its `v1` signatures matches, and its timestamp is within the tolerance. */
export function verifyWebhookSignature(opts: VerifyWebhookOptions): TVerifyWebhookResult {
  if (!opts.header) return { ok: false, reason: 'no Montage-Signature header' }
  let timestamp: number | null = null
  const signatures: string[] = []
  for (const part of opts.header.split(',')) {
    const eq = part.indexOf('=')
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value)
  }
  if (timestamp === null) return { ok: false, reason: 'no timestamp (t=) in the signature header' }
  if (signatures.length === 0) return { ok: false, reason: 'no v1 signature in the signature header' }
  const now = opts.now ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return { ok: false, reason: 'the timestamp is outside the tolerance' }
  const expected = Buffer.from(hmacHex(opts.secret, timestamp, opts.body), 'hex')
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected))
  return match ? { ok: true, timestamp } : { ok: false, reason: 'no signature matches' }
}

/**
 * Refuses a webhook URL Montage should not POST to: anything but http(s), credentials in it, and
 * (unless `allowPrivate`) a host that is or resolves to a loopback, private, link-local or
 * otherwise non-public address. Checked when an endpoint is made and again before every send, since
 * a name can start resolving elsewhere. Returns the reason, or null when the URL may be used.
 */
export async function webhookUrlProblem(raw: string, opts: { allowPrivate: boolean }): Promise<string | null> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'url: not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url: only http:// and https:// URLs are allowed'
  if (url.username || url.password) return 'url: credentials in the URL are not allowed'
  if (opts.allowPrivate) return null
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let addresses: { address: string; family: number }[]
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true })
  } catch {
    return `url: ${host} does not resolve`
  }
  for (const a of addresses) {
    if (NON_PUBLIC.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4')) return `url: ${host} is a private, loopback or reserved address (${a.address})`
  }
  return null
}

const NON_PUBLIC = (() => {
  const list = new BlockList()
  for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
    list.addSubnet(net, bits, 'ipv4')
  }
  for (const [net, bits] of [['::', 127], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) list.addSubnet(net, bits, 'ipv6')
  return list
})()
