import { randomUUID } from 'node:crypto'
import { AppError, AppErrorCode, ZDemoSignInRequest, parseInput } from '@montage/core'
import { findUserById, isPasswordlessUser } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireDemoSignIn } from '@/lib/server/demo-mode'
import { limitSignInAttempt } from '@/lib/server/rate-limit'
import { provisionUser, signInResponse } from '@/lib/server/session'

/**
 * Demo mode only (MONTAGE_DEMO=1, loopback): sign in as a passwordless demo person, or create one
 * by name. Never as someone with a password: their account is theirs alone.
 */
export const POST = route(async (req) => {
  requireDemoSignIn(req.headers)
  const body = parseInput(ZDemoSignInRequest, await readJson(req))
  await limitSignInAttempt(req, body.userId ?? null)
  const sql = db()
  let user
  if (body.userId) {
    user = await findUserById(sql, body.userId)
    if (!user || !user.authSubject.startsWith('local:') || !(await isPasswordlessUser(sql, user.id))) {
      throw new AppError(AppErrorCode.BAD_REQUEST, 'userId: no such demo person', { field: 'userId' })
    }
  } else {
    user = await provisionUser(sql, { authSubject: `local:${randomUUID()}`, name: body.name! })
  }
  return signInResponse(req, user, 'demo', { user: { id: user.id, name: user.name } })
})
