import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { AppError, AppErrorCode } from '@montage/core'
import { verifySessionToken } from '@montage/auth'
import { createWorkspace, findUserBySubject, grantCredits, listMemberships, upsertUser, type Sql, type TUserRow } from '@montage/db'
import { db, jwtKey } from './context'
import { webEnv } from './env'

/** Local mode's session cookie; Clerk mode reads Clerk's own `__session`. */
export const LOCAL_SESSION_COOKIE = 'montage_session'
const CLERK_SESSION_COOKIE = '__session'
export const STARTING_CREDITS = 500

export interface TSession {
  user: TUserRow
  /** The raw token, handed to the canvas for the collab-server's upgrade check. */
  token: string
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

/** Every server path goes through here: verify the token, then find (Clerk: create) the user. */
export async function authenticate(token: string | undefined): Promise<TSession> {
  const claims = await verifySessionToken(token, { jwtKey: await jwtKey() })
  const sql = db()
  let user = await findUserBySubject(sql, claims.sub)
  if (!user) {
    if (webEnv().AUTH_MODE !== 'clerk') throw new AppError(AppErrorCode.UNAUTHORIZED, 'This account no longer exists. Sign in again.')
    const name = (claims.name ?? claims.email ?? 'New member').slice(0, 80)
    user = await provisionUser(sql, { authSubject: claims.sub, name, email: claims.email ?? null })
  }
  return { user, token: token! }
}

/** For route handlers: throws UNAUTHORIZED, which the error mapper turns into 401 JSON. */
export async function requireApiSession(): Promise<TSession> {
  return authenticate(await sessionToken())
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
