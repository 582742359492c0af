import { cookies, headers } from 'next/headers'
import { redirect } from 'next/navigation'
import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, subjects, type TSessionKind, type TSessionRevokedMessage } from '@montage/core'
import { authenticateSessionToken, issueLocalSession } from '@montage/auth'
import { authenticateApiKey, createWorkspace, findUserById, grantCredits, listMemberships, revokeAuthSession, upsertUser, type Sql, type TUserRow } from '@montage/db'
import type { TCaller } from './caller'
import { clearCookie, setCookie } from './cookies'
import { db, jwtKey, localKeys, natsConnection } from './context'
import { webEnv } from './env'
import { logger } from './logger'
import { enforceRateLimits } from './rate-limit'

/** Local mode's session cookie; Clerk mode reads Clerk's own `__session`. */
export const LOCAL_SESSION_COOKIE = 'montage_session'
const CLERK_SESSION_COOKIE = '__session'
export const STARTING_CREDITS = 500
/** A demo sign-in lasts a working day. */
const DEMO_SESSION_TTL_SECONDS = 60 * 60 * 12

export interface TSession {
  user: TUserRow
  /** The raw token, handed to the canvas for the collab-server's upgrade check. */
  token: string
  /** Local mode: the `auth_sessions` row (what sign-out revokes). Clerk mode, and API keys: null. */
  sessionId: string | null
  /** What every authorization check is given: the person, and the API key when one was used. */
  caller: TCaller
}

export async function sessionToken(): Promise<string | undefined> {
  const jar = await cookies()
  const name = webEnv().AUTH_MODE === 'clerk' ? CLERK_SESSION_COOKIE : LOCAL_SESSION_COOKIE
  return jar.get(name)?.value
}

/** Gives a person seen for the first time a workspace of their own with starting credits. */
export async function provisionUser(sql: Sql, opts: { authSubject: string; name: string; email?: string | null }): Promise<TUserRow> {
  const user = await upsertUser(sql, opts)
  if ((await listMemberships(sql, user.id)).length === 0) {
    const workspace = await createWorkspace(sql, { name: `${user.name.slice(0, 60)}'s studio`, ownerId: user.id })
    await grantCredits(sql, { workspaceId: workspace.id, amount: STARTING_CREDITS, note: 'Welcome credits' })
  }
  return user
}

/**
 * Every server path goes through here: verify the token and, in local mode, its session row
 * (signed out, expired or unknown is UNAUTHORIZED); then find (Clerk: create) the user.
 */
export async function authenticate(token: string | undefined): Promise<TSession> {
  const env = webEnv()
  const sql = db()
  const found = await authenticateSessionToken({ db: sql, jwtKey: await jwtKey(), authMode: env.AUTH_MODE, demoMode: env.MONTAGE_DEMO, token })
  let user = found.user
  if (!user) {
    // Only Clerk mode answers without a user: a person Clerk signed in, seen here for the first time.
    const name = (found.claims.name ?? found.claims.email ?? 'New member').slice(0, 80)
    user = await provisionUser(sql, { authSubject: found.claims.sub, name, email: found.claims.email ?? null })
  }
  return { user, token: token!, sessionId: found.sessionId, caller: { userId: user.id, apiKey: null } }
}

/**
 * An API key (`Authorization: Bearer mtg_…`): it acts as the member who created it, in its own
 * workspace, capped by its scopes (`TCaller`). Each use counts against the key's rate limit.
 * Unknown, revoked, mistyped, or its creator no longer a member: UNAUTHORIZED, all alike.
 */
export async function authenticateApiKeyRequest(presented: string): Promise<TSession> {
  const sql = db()
  const found = await authenticateApiKey(sql, presented)
  const user = found?.role ? await findUserById(sql, found.userId) : null
  if (!found || !user) throw new AppError(AppErrorCode.UNAUTHORIZED, 'This API key is not valid: it is unknown, revoked or mistyped, or its creator has left the workspace.')
  await enforceRateLimits([{ limit: 'requestsPerApiKey', key: found.key.id }])
  return { user, token: '', sessionId: null, caller: { userId: user.id, apiKey: { id: found.key.id, name: found.key.name, workspaceId: found.key.workspaceId, scopes: found.key.scopes } } }
}

/**
 * For route handlers: the session cookie or, when the request carries `Authorization: Bearer`, an
 * API key; every route goes through here, so both reach the same checks. Throws UNAUTHORIZED,
 * which the error mapper turns into 401 JSON.
 */
export async function requireApiSession(): Promise<TSession> {
  const authorization = (await headers()).get('authorization')
  if (authorization !== null) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    if (!bearer) throw new AppError(AppErrorCode.UNAUTHORIZED, 'The Authorization header must be "Bearer <API key>".')
    return authenticateApiKeyRequest(bearer[1]!)
  }
  return authenticate(await sessionToken())
}

/** For what only a person may do (their sign-in sessions, joining a workspace): an API key is refused. */
export async function requirePersonSession(what: string): Promise<TSession> {
  const session = await requireApiSession()
  if (session.caller.apiKey) throw new AppError(AppErrorCode.FORBIDDEN, `An API key cannot ${what}; sign in as a person.`)
  return session
}

/** For pages: an unauthenticated visitor goes to /sign-in. */
export async function requirePageSession(): Promise<TSession> {
  try {
    return await authenticate(await sessionToken())
  } catch (e) {
    if (e instanceof AppError && e.code === AppErrorCode.UNAUTHORIZED) redirect('/sign-in')
    throw e
  }
}

/** For the sign-in page: the session when there is a valid one, else null. */
export async function optionalSession(): Promise<TSession | null> {
  try {
    return await authenticate(await sessionToken())
  } catch (e) {
    if (e instanceof AppError && e.code === AppErrorCode.UNAUTHORIZED) return null
    throw e
  }
}

/** Local mode only (password accounts, demo people, sessions); Clerk mode keeps its own. */
export function requireLocalAuth(what: string): void {
  if (webEnv().AUTH_MODE !== 'local') throw new AppError(AppErrorCode.NOT_FOUND, `${what} is part of local accounts; this install signs in with Clerk (AUTH_MODE=clerk).`)
}

/** Signs the user in: a session row, its token in the cookie, and `body` as the JSON answer. */
export async function signInResponse(req: Request, user: TUserRow, kind: TSessionKind, body: unknown, status = 200): Promise<NextResponse> {
  const ttlSeconds = kind === 'demo' ? DEMO_SESSION_TTL_SECONDS : webEnv().SESSION_TTL_HOURS * 3600
  const { token } = await issueLocalSession({
    db: db(),
    privateKeyPem: (await localKeys()).privateKeyPem,
    user,
    kind,
    ttlSeconds,
    userAgent: req.headers.get('user-agent'),
  })
  const res = NextResponse.json(body, { status })
  setCookie(res, req, LOCAL_SESSION_COOKIE, token, ttlSeconds)
  return res
}

/**
 * Ends a session of this user server-side, then tells every collab-server to close its sockets.
 * A lost message is caught by the collab-servers' periodic check, so a NATS outage only delays it.
 */
export async function revokeSession(opts: { sessionId: string; userId: string }): Promise<boolean> {
  const revoked = await revokeAuthSession(db(), opts)
  if (!revoked) return false
  try {
    const nc = await natsConnection()
    nc.publish(subjects.sessionRevoked, JSON.stringify({ sessionId: revoked.id } satisfies TSessionRevokedMessage))
    await nc.flush()
  } catch (e) {
    logger().warn({ err: e, sessionId: revoked.id }, 'could not announce a revoked session; collab-servers close its sockets at their next check')
  }
  return true
}

/** Clears the session cookie on a response. */
export function clearSessionCookie(res: NextResponse, req: Request): void {
  clearCookie(res, req, LOCAL_SESSION_COOKIE)
}
