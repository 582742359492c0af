import { NextResponse } from 'next/server'
import { z } from 'zod'
import { AppError, AppErrorCode, parseInput } from '@montage/core'
import { route } from '@/lib/server/api-error'
import { clearSessionCookie, requireLocalAuth, requirePersonSession, revokeSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ sessionId: string }> }

/** Signs one of the caller's sessions out (another browser's, or this one); someone else's is 404. */
export const DELETE = route<Ctx>(async (req, { params }) => {
  requireLocalAuth('Session management')
  const session = await requirePersonSession('sign sessions out')
  const { sessionId } = parseInput(z.object({ sessionId: z.string().uuid('is not a session id') }), await params)
  if (!(await revokeSession({ sessionId, userId: session.user.id }))) throw new AppError(AppErrorCode.NOT_FOUND, 'You have no such session.')
  const res = NextResponse.json({ ok: true, current: sessionId === session.sessionId })
  if (sessionId === session.sessionId) clearSessionCookie(res, req)
  return res
})
