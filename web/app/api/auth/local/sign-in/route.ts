import { randomUUID } from 'node:crypto'
import { NextResponse } from 'next/server'
import { z } from 'zod'
import { AppError, AppErrorCode, parseInput } from '@montage/core'
import { signLocalToken } from '@montage/auth'
import { listUsers } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db, localKeys } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { limitSignInAttempt } from '@/lib/server/rate-limit'
import { LOCAL_SESSION_COOKIE, provisionUser } from '@/lib/server/session'

const TOKEN_TTL_SECONDS = 60 * 60 * 12

const ZLocalSignIn = z
  .object({
    userId: z.string().uuid().optional(),
    name: z.string().trim().min(1, 'Enter a name').max(80).optional(),
  })
  .strict()
  .refine((b) => (b.userId ? !b.name : !!b.name), { message: 'Send either userId or name', path: ['name'] })

/** Local mode only: sign in as an existing user, or create one by name. */
export const POST = route(async (req) => {
  if (webEnv().AUTH_MODE !== 'local') throw new AppError(AppErrorCode.NOT_FOUND, 'Local sign-in is disabled (AUTH_MODE=clerk).')
  const body = parseInput(ZLocalSignIn, await readJson(req))
  await limitSignInAttempt(req, body.userId ?? null)
  const sql = db()
  let user
  if (body.userId) {
    user = (await listUsers(sql)).find((u) => u.id === body.userId)
    if (!user) throw new AppError(AppErrorCode.BAD_REQUEST, 'userId: no such user', { field: 'userId' })
  } else {
    user = await provisionUser(sql, { authSubject: `local:${randomUUID()}`, name: body.name! })
  }
  const token = await signLocalToken({
    privateKeyPem: (await localKeys()).privateKeyPem,
    subject: user.authSubject,
    name: user.name,
    ttlSeconds: TOKEN_TTL_SECONDS,
  })
  const res = NextResponse.json({ user: { id: user.id, name: user.name } })
  res.cookies.set(LOCAL_SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: TOKEN_TTL_SECONDS,
    secure: new URL(req.url).protocol === 'https:',
  })
  return res
})
