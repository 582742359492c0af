import type { NextResponse } from 'next/server'
import { webEnv } from './env'

/**
 * Whether the browser reached us over HTTPS. `next start` speaks plain HTTP, so HTTPS means a
 * TLS-terminating proxy in front; its `X-Forwarded-Proto` (or `Forwarded: proto=`) is believed
 * only with `TRUST_PROXY=1`, since without a proxy any client could send the header.
 */
export function requestIsHttps(req: Request, trustProxy: boolean): boolean {
  if (!trustProxy) return false
  // The first entry is what the client spoke to the outermost proxy.
  const forwardedProto = req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  if (forwardedProto) return forwardedProto === 'https'
  const forwarded = /(?:^|[;,\s])proto=("?)(https?)\1/i.exec(req.headers.get('forwarded') ?? '')
  return forwarded?.[2]?.toLowerCase() === 'https'
}

/** Every cookie we set: httpOnly, SameSite=Lax, whole site, `Secure` when the request came over HTTPS. */
export function setCookie(res: NextResponse, req: Request, name: string, value: string, maxAgeSeconds: number): void {
  res.cookies.set(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: maxAgeSeconds,
    secure: requestIsHttps(req, webEnv().TRUST_PROXY),
  })
}

/** Removes a cookie set by `setCookie` (same attributes, so the browser matches it). */
export function clearCookie(res: NextResponse, req: Request, name: string): void {
  setCookie(res, req, name, '', 0)
}
