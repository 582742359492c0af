import { AppError, AppErrorCode } from '@montage/core'
import { findSessionUser, findUserBySubject, touchAuthSession, type Sql, type TUserRow } from '@montage/db'
import { verifySessionToken, type SessionClaims } from './verify-session-token'

export interface AuthenticateSessionTokenOptions {
  db: Sql
  /** The PEM public key tokens are verified with (`resolveJwtKey`). */
  jwtKey: string
  authMode: 'local' | 'clerk'
  /** Whether demo sessions count (`MONTAGE_DEMO=1`); outside demo mode a demo session is refused. */
  demoMode: boolean
  token: string | null | undefined
}

export interface TAuthenticatedToken {
  claims: SessionClaims
  /** Null only in Clerk mode, for a person seen for the first time (web provisions them). */
  user: TUserRow | null
  /** Local mode: our session's id (what sign-out revokes). Clerk mode: null (Clerk keeps its sessions). */
  sessionId: string | null
}

/**
 * The one check every entry point makes (web's `authenticate`, the collab-server's upgrade):
 * the token's signature and expiry, then in local mode its session row: unknown, revoked,
 * expired, another user's, or a demo session outside demo mode are all UNAUTHORIZED.
 */
export async function authenticateSessionToken(opts: AuthenticateSessionTokenOptions): Promise<TAuthenticatedToken> {
  const claims = await verifySessionToken(opts.token, { jwtKey: opts.jwtKey })
  if (opts.authMode === 'clerk') {
    return { claims, user: await findUserBySubject(opts.db, claims.sub), sessionId: null }
  }
  if (!claims.sid) throw new AppError(AppErrorCode.UNAUTHORIZED, 'Your session token carries no session: sign in again.')
  const found = await findSessionUser(opts.db, claims.sid)
  if (!found || found.user.authSubject !== claims.sub) throw new AppError(AppErrorCode.UNAUTHORIZED, 'This session is unknown here: sign in again.')
  if (found.session.revokedAt) throw new AppError(AppErrorCode.UNAUTHORIZED, 'This session was signed out: sign in again.')
  if (found.expired) throw new AppError(AppErrorCode.UNAUTHORIZED, 'This session has ended: sign in again.')
  if (found.session.kind === 'demo' && !opts.demoMode) {
    throw new AppError(AppErrorCode.UNAUTHORIZED, 'Demo sessions count only in demo mode (MONTAGE_DEMO=1): sign in with your email and password.')
  }
  if (Date.now() - found.session.lastSeenAt.getTime() > 60_000) await touchAuthSession(opts.db, found.session.id)
  return { claims, user: found.user, sessionId: found.session.id }
}
