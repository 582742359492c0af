import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZGuestSessionRequest, parseInput } from '@montage/core'
import { createGuestSession, verifyPassphrase } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { clientAddress } from '@/lib/server/client-address'
import { setCookie } from '@/lib/server/cookies'
import { db } from '@/lib/server/context'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { GUEST_SESSION_COOKIE, requireActiveReviewLink } from '@/lib/server/require-guest'

type Ctx = { params: Promise<{ token: string }> }

/**
 * A guest names themselves (and gives the passphrase); the cookie then opens this link only.
 * Tries are counted per address, and per link when it has a passphrase, before any scrypt runs:
 * past either budget the answer is 429 until the window ends, right passphrase or not.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { token } = await params
  const sql = db()
  const { link } = await requireActiveReviewLink(sql, token)
  await enforceRateLimits([
    { limit: 'reviewSignInPerAddress', key: clientAddress(req) },
    ...(link.passphraseHash ? [{ limit: 'passphrasePerLink' as const, key: link.id }] : []),
  ])
  const body = parseInput(ZGuestSessionRequest, await readJson(req))
  if (link.passphraseHash) {
    if (!body.passphrase) throw new AppError(AppErrorCode.UNAUTHORIZED, 'passphrase: this link asks for a passphrase', { field: 'passphrase' })
    if (!(await verifyPassphrase(body.passphrase, link.passphraseHash))) {
      throw new AppError(AppErrorCode.UNAUTHORIZED, 'passphrase: that is not the passphrase of this link', { field: 'passphrase' })
    }
  }
  const session = await createGuestSession(sql, { reviewLinkId: link.id, name: body.name })
  const res = NextResponse.json({ guest: { name: body.name } }, { status: 201 })
  const maxAge = Math.max(1, Math.floor((Date.parse(link.expiresAt) - Date.now()) / 1000))
  setCookie(res, req, GUEST_SESSION_COOKIE, session.token, maxAge)
  return res
})
