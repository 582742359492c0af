import { createHash } from 'node:crypto'
import { AppError, AppErrorCode, RATE_LIMITS, formatSeconds, type TRateLimitName } from '@montage/core'
import { hitRateLimit } from '@montage/db'
import { clientAddress } from './client-address'
import { db } from './context'
import { webEnv } from './env'

export interface RateLimitCheck {
  limit: TRateLimitName
  /** Who or what is counted: an address, a person's or a link's id. */
  key: string
}

/**
 * Counts one hit on each limit (their windows live in PostgreSQL, so every web instance shares
 * them) and refuses with RATE_LIMITED (429, `Retry-After`) when any is past its budget, naming
 * the one whose window ends last. Call it before the work it protects.
 */
export async function enforceRateLimits(checks: RateLimitCheck[]): Promise<void> {
  const { rates } = webEnv().limits
  const sql = db()
  const hits = await Promise.all(checks.map(async (c) => ({ ...c, ...(await hitRateLimit(sql, { name: c.limit, key: c.key, ...rates[c.limit] })) })))
  const refused = hits.filter((h) => !h.allowed).sort((a, b) => b.retryAfterSeconds - a.retryAfterSeconds)[0]
  if (!refused) return
  const { max, windowSeconds } = rates[refused.limit]
  throw new AppError(
    AppErrorCode.RATE_LIMITED,
    `Too many ${RATE_LIMITS[refused.limit].what}: at most ${max} in ${formatSeconds(windowSeconds)}. Try again in ${formatSeconds(refused.retryAfterSeconds)}.`,
    { limit: refused.limit, retryAfterSeconds: refused.retryAfterSeconds },
  )
}

/**
 * A sign-in attempt: counted per client address and, when the attempt names one, per account.
 * The account is kept only as a hash, so the limiter's table never holds what a person typed.
 */
export async function limitSignInAttempt(req: Request, account: string | null): Promise<void> {
  const checks: RateLimitCheck[] = [{ limit: 'signInPerAddress', key: clientAddress(req) }]
  if (account) checks.push({ limit: 'signInPerAccount', key: createHash('sha256').update(account.trim().toLowerCase()).digest('base64url') })
  await enforceRateLimits(checks)
}
