import { NextResponse } from 'next/server'
import { ZCommentListQuery, ZCreateCommentRequest, parseInput } from '@montage/core'
import { listCommentsPage } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { createReviewComment } from '@/lib/server/create-review-comment'
import { decodeCursor, toPage } from '@/lib/server/pagination'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ boardId: string }> }

/**
 * `GET /api/boards/:boardId/comments?variationId=&cursor=&limit=`: the board's comments (replies and
 * guests' included), oldest first, a page at a time; `variationId` narrows to one variation.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  await requireBoardAccess(sql, { boardId, caller, permission: 'board.view' })
  const query = parseInput(ZCommentListQuery, Object.fromEntries(new URL(req.url).searchParams))
  const rows = await listCommentsPage(sql, { boardId, variationId: query.variationId, after: decodeCursor(query.cursor), limit: query.limit })
  return NextResponse.json(toPage(rows, query.limit, (c) => ({ at: c.pageAt, id: c.id }), ({ pageAt: _pageAt, ...comment }) => comment))
})

/** Every member may comment, reviewers included. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { boardId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'comment.create' })
  const body = parseInput(ZCreateCommentRequest, await readJson(req))
  const comment = await createReviewComment(sql, { board, body, author: { id: user.id, name: user.name } })
  return NextResponse.json({ comment }, { status: 201 })
})
