import type { NextResponse } from 'next/server'
import { isHttpsRequest } from './is-https-request'

/** Every cookie we set: httpOnly, SameSite=Lax, whole site, `Secure` when the request came over HTTPS. */
export function setCookie(res: NextResponse, req: Request, name: string, value: string, maxAgeSeconds: number): void {
  res.cookies.set(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: maxAgeSeconds,
    // The web server (web/server.ts) set X-Forwarded-Proto from the socket or a trusted proxy (TRUST_PROXY).
    secure: isHttpsRequest(req),
  })
}

/** Removes a cookie set by `setCookie` (same attributes, so the browser matches it). */
export function clearCookie(res: NextResponse, req: Request, name: string): void {
  setCookie(res, req, name, '', 0)
}
