import { NextResponse } from 'next/server'
import { AppError, AppErrorCode } from '@montage/core'
import { route } from '@/lib/server/api-error'
import { authenticate, clearSessionCookie, revokeSession, sessionToken } from '@/lib/server/session'

/** Ends this session server-side (its token stops working everywhere, its sockets close) and clears the cookie. */
export const POST = route(async (req) => {
  try {
    const session = await authenticate(await sessionToken())
    if (session.sessionId) await revokeSession({ sessionId: session.sessionId, userId: session.user.id })
  } catch (e) {
    // Signed out already, or never signed in: nothing to end, the cookie is cleared all the same.
    if (!(e instanceof AppError && e.code === AppErrorCode.UNAUTHORIZED)) throw e
  }
  const res = NextResponse.json({ ok: true })
  clearSessionCookie(res, req)
  return res
})
