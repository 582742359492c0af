import { NextResponse } from 'next/server'
import { AppError, AppErrorCode } from '@montage/core'
import { getReviewLink, publicReviewLink, revokeReviewLink } from '@montage/db'
import { route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ linkId: string }> }

/** Revokes a link: from now on it answers 410 to its guests, sessions included. */
export const DELETE = route<Ctx>(async (_req, { params }) => {
  const { caller } = await requireApiSession()
  const { linkId } = await params
  const sql = db()
  const link = await getReviewLink(sql, linkId)
  if (!link) throw new AppError(AppErrorCode.NOT_FOUND, 'This review link does not exist.')
  await requireBoardAccess(sql, { boardId: link.boardId, caller, permission: 'review.link' })
  return NextResponse.json({ link: publicReviewLink((await revokeReviewLink(sql, linkId))!) })
})
