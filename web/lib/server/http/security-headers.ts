export interface SecurityHeadersOptions {
  /** A fresh random value per response; Next puts it on its own scripts (it reads it from the request's CSP). */
  nonce: string
  /** Where browsers open the board WebSocket (COLLAB_PUBLIC_URL). */
  collabPublicUrl: string
  /** Clerk mode: the publishable key names the instance's Frontend API host, which the sign-in widget talks to. */
  clerkPublishableKey?: string
  /** Where media may also load from: the object store's origin, when browsers fetch media from it by presigned URL. */
  mediaOrigins?: string[]
  /** Whether the client reached us over HTTPS (then browsers are also told to stay on it). */
  https: boolean
}

/** The Frontend API host a Clerk publishable key encodes (`pk_test_<base64 of "host$">`). */
function clerkFrontendApi(key: string | undefined): string | null {
  const encoded = key?.match(/^pk_(?:test|live)_(.+)$/)?.[1]
  if (!encoded) return null
  const host = Buffer.from(encoded, 'base64').toString('utf8').replace(/\$$/, '')
  return /^[a-z0-9.-]+$/i.test(host) ? `https://${host}` : null
}

/**
 * The headers every response carries. The Content-Security-Policy lets scripts run only with this
 * response's nonce (and what they load: 'strict-dynamic'), so an injected <script> does not run;
 * styles may be inline (tldraw positions every shape with a style attribute); media, images and
 * fonts come from our origin (tldraw's fonts and icons are served from /tldraw-assets) or blob:/data:
 * URLs the canvas makes, and images and media also from the object store that media URLs redirect to; connections go to our origin and the collab-server. No page may be framed.
 */
export function securityHeaders(o: SecurityHeadersOptions): Record<string, string> {
  const collab = new URL(o.collabPublicUrl)
  const clerk = clerkFrontendApi(o.clerkPublishableKey)
  const media = o.mediaOrigins ?? []
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", `'nonce-${o.nonce}'`, "'strict-dynamic'", ...(clerk ? [clerk, 'https://challenges.cloudflare.com'] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...media, ...(clerk ? ['https://img.clerk.com'] : [])],
    'font-src': ["'self'", 'data:'],
    'media-src': ["'self'", 'blob:', ...media],
    'connect-src': ["'self'", collab.origin, ...(clerk ? [clerk] : [])],
    'worker-src': ["'self'", 'blob:'],
    'frame-src': clerk ? ['https://challenges.cloudflare.com'] : ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  }
  const csp = Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ')
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // Review links carry their token in the path: no other site ever sees one in a Referer.
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(o.https ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  }
}
