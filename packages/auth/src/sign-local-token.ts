import { importPKCS8, SignJWT } from 'jose'

export interface SignLocalTokenOptions {
  privateKeyPem: string
  /** The user's auth subject (`local:<id>`). */
  subject: string
  name: string
  /** The `auth_sessions` row this token belongs to: every check looks it up, so signing out ends the token. */
  sessionId: string
  ttlSeconds?: number
}

/** Signs a local-mode session token: RS256 with `sub`, `sid`, `name`, `iat`, `nbf` and `exp`. */
export async function signLocalToken(opts: SignLocalTokenOptions): Promise<string> {
  const key = await importPKCS8(opts.privateKeyPem, 'RS256')
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ name: opts.name, sid: opts.sessionId })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(opts.subject)
    .setIssuer('montage-local')
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + (opts.ttlSeconds ?? 60 * 60 * 12))
    .sign(key)
}
