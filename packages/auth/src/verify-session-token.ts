import { verifyToken } from '@clerk/backend'
import { AppError, AppErrorCode } from '@montage/core'

export interface SessionClaims {
  /** The auth subject: `local:<id>` in local mode, Clerk's user id in Clerk mode. */
  sub: string
  name?: string
  email?: string
  /** The session id: ours (`auth_sessions`) in local mode, Clerk's in Clerk mode. */
  sid?: string
}

export interface VerifySessionTokenOptions {
  /** The PEM public key: our local key, or the Clerk instance's JWT verification key. */
  jwtKey: string
}

/** Tokens whose signature was checked, kept until they expire; the oldest go first past this many. */
const MAX_VERIFIED = 10_000

/**
 * Tokens this process verified, by key and then by the token's exact text, with what they say and
 * when they expire. The same bytes under the same key verify the same way every time, so only the
 * expiry is checked again: a person's reconnects (and a crowd sharing a link) skip the RSA check,
 * its key import and the allocations that come with them. Anything else about the session (revoked,
 * signed out) is looked up at every use, as before.
 */
const verified = new Map<string, Map<string, { claims: SessionClaims; expiresAtMs: number }>>()
let verifiedCount = 0

function rememberVerified(jwtKey: string, token: string, claims: SessionClaims, expiresAtMs: number): void {
  let byToken = verified.get(jwtKey)
  if (!byToken) verified.set(jwtKey, (byToken = new Map()))
  if (!byToken.has(token)) verifiedCount++
  byToken.set(token, { claims, expiresAtMs })
  while (verifiedCount > MAX_VERIFIED) {
    const [key, oldest] = verified.entries().next().value!
    oldest.delete(oldest.keys().next().value!)
    verifiedCount--
    if (oldest.size === 0) verified.delete(key)
  }
}

/**
 * The single verification path for both auth modes: Clerk's `verifyToken` with a `jwtKey`,
 * which checks the RS256 signature, `exp` and `nbf` offline. Anything wrong is UNAUTHORIZED. A token
 * verified before and not yet expired is answered from memory.
 */
export async function verifySessionToken(token: string | undefined | null, opts: VerifySessionTokenOptions): Promise<SessionClaims> {
  if (!token) throw new AppError(AppErrorCode.UNAUTHORIZED, 'Sign in to continue: no session token was sent.')
  const byKey = verified.get(opts.jwtKey)
  const known = byKey?.get(token)
  if (known) {
    if (Date.now() < known.expiresAtMs) return { ...known.claims }
    // Expired: checked again in full below (refused, or within the verifier's clock skew). No key
    // keeps an empty map, or the eviction below would count a token it did not remove.
    byKey!.delete(token)
    verifiedCount--
    if (byKey!.size === 0) verified.delete(opts.jwtKey)
  }
  let payload: Record<string, unknown>
  try {
    payload = (await verifyToken(token, { jwtKey: opts.jwtKey })) as unknown as Record<string, unknown>
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    throw new AppError(AppErrorCode.UNAUTHORIZED, `Your session token was refused: ${reason}`, { cause: e })
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw new AppError(AppErrorCode.UNAUTHORIZED, 'Your session token has no subject.')
  }
  const claims: SessionClaims = {
    sub: payload.sub,
    name: typeof payload.name === 'string' ? payload.name : undefined,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    sid: typeof payload.sid === 'string' ? payload.sid : undefined,
  }
  if (typeof payload.exp === 'number') rememberVerified(opts.jwtKey, token, claims, payload.exp * 1000)
  return { ...claims }
}
