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

/**
 * The single verification path for both auth modes: Clerk's `verifyToken` with a `jwtKey`,
 * which checks the RS256 signature, `exp` and `nbf` offline. Anything wrong is UNAUTHORIZED.
 */
export async function verifySessionToken(token: string | undefined | null, opts: VerifySessionTokenOptions): Promise<SessionClaims> {
  if (!token) throw new AppError(AppErrorCode.UNAUTHORIZED, 'Sign in to continue: no session token was sent.')
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
  return {
    sub: payload.sub,
    name: typeof payload.name === 'string' ? payload.name : undefined,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    sid: typeof payload.sid === 'string' ? payload.sid : undefined,
  }
}
