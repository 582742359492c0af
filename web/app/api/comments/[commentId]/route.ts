import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZSetCommentResolvedRequest, parseInput } from '@montage/core'
import { getComment, setCommentResolved } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { callerCan } from '@/lib/server/caller'
import { publishThread } from '@/lib/server/publish-thread'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ commentId: string }> }

/** Resolves or reopens a comment: its author, or a producer or owner of the board's workspace. */
export const PATCH = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { commentId } = await params
  const { resolved } = parseInput(ZSetCommentResolvedRequest, await readJson(req))
  const sql = db()
  const comment = await getComment(sql, commentId)
  if (!comment) throw new AppError(AppErrorCode.NOT_FOUND, 'This comment does not exist.')
  const { role } = await requireBoardAccess(sql, { boardId: comment.boardId, caller, permission: 'board.view' })
  // An author resolves their own comment with what lets them comment (for a key: its review scope).
  if (!callerCan(caller, role, comment.author.id === user.id ? 'comment.create' : 'comment.moderate')) {
    throw new AppError(AppErrorCode.FORBIDDEN, `Only the comment's author, a producer or an owner can resolve it (your role: ${role}).`)
  }
  const updated = (await setCommentResolved(sql, { commentId, resolved, by: user.id }))!
  await publishThread(sql, { boardId: comment.boardId, rootId: updated.parentId ?? updated.id })
  return NextResponse.json({ comment: updated })
})
