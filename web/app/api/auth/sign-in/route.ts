import { AppError, AppErrorCode, ZSignInRequest, parseInput } from '@montage/core'
import { findPasswordCredential, updatePasswordHash } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { limitSignInAttempt } from '@/lib/server/rate-limit'
import { db, passwordHasher } from '@/lib/server/context'
import { requireLocalAuth, signInResponse } from '@/lib/server/session'

/**
 * Email and password. An unknown email and a wrong password get the same answer after the same
 * work (the KDF runs either way), so the answer tells nobody which accounts exist.
 */
export const POST = route(async (req) => {
  requireLocalAuth('Password sign-in')
  const body = parseInput(ZSignInRequest, await readJson(req))
  // Before the KDF: guessing costs the guesser a window, not the server a hash per try.
  await limitSignInAttempt(req, body.email)
  const sql = db()
  const found = await findPasswordCredential(sql, body.email)
  const hasher = passwordHasher()
  const check = await hasher.check(body.password, found?.passwordHash ?? null)
  if (!found || !check.ok) throw new AppError(AppErrorCode.UNAUTHORIZED, 'The email or password is incorrect.')
  // Made with weaker KDF parameters than today's: store a fresh hash while we have the password.
  if (check.needsRehash) await updatePasswordHash(sql, { userId: found.user.id, passwordHash: await hasher.hash(body.password) })
  return signInResponse(req, found.user, 'password', { user: { id: found.user.id, name: found.user.name } })
})
