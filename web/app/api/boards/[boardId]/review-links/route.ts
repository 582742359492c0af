import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZCreateReviewLinkRequest, parseInput } from '@montage/core'
import { createReviewLink, listReviewLinks, publicReviewLink } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { storedBoardScope } from '@/lib/server/stored-board-scope'

type Ctx = { params: Promise<{ boardId: string }> }

/** The board's links, revoked and expired ones included; tokens are never shown again. */
export const GET = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'review.link' })
  return NextResponse.json({ links: (await listReviewLinks(sql, boardId)).map(publicReviewLink) })
})

/** Creates a link for guests; the answer carries its URL, the only time the token is shown. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'review.link' })
  const body = parseInput(ZCreateReviewLinkRequest, await readJson(req))
  if (body.scope === 'shot') {
    const stored = await storedBoardScope(sql, { boardId, scope: 'shot', shotId: body.shotId! })
    if (stored.shots.length === 0) throw new AppError(AppErrorCode.BAD_REQUEST, 'shotId: no such shot on this board', { field: 'shotId' })
  }
  const { link, token } = await createReviewLink(sql, {
    boardId,
    scope: body.scope,
    shotId: body.shotId ?? null,
    expiresInHours: body.expiresInHours,
    passphrase: body.passphrase ?? null,
    allowDownloads: body.allowDownloads,
    createdBy: user.id,
  })
  return NextResponse.json({ link: { ...publicReviewLink(link), url: `/r/${token}` } }, { status: 201 })
})
