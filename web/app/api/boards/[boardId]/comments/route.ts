import { NextResponse } from 'next/server'
import { ZCreateCommentRequest, ZShapeId, parseInput } from '@montage/core'
import { listComments } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { createReviewComment } from '@/lib/server/create-review-comment'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/** The board's comments (guests' included), oldest first; `?variationId=` narrows to one variation. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  await requireBoardAccess(sql, { boardId, userId: user.id, permission: 'board.view' })
  const raw = new URL(req.url).searchParams.get('variationId')
  const variationId = raw === null ? undefined : parseInput(ZShapeId, raw)
  return NextResponse.json({ comments: await listComments(sql, { boardId, variationId }) })
})

/** Every member may comment, reviewers included. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, userId: user.id, permission: 'comment.create' })
  const body = parseInput(ZCreateCommentRequest, await readJson(req))
  const comment = await createReviewComment(sql, { board, body, author: { id: user.id, name: user.name } })
  return NextResponse.json({ comment }, { status: 201 })
})
