import { NextResponse } from 'next/server'
import { ZCreateCommentRequest, ZShapeId, parseInput } from '@montage/core'
import { listComments } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { enforceRateLimits } from '@/lib/server/rate-limit'
import { createReviewComment } from '@/lib/server/create-review-comment'
import { requireGuest } from '@/lib/server/require-guest'
import { storedBoardScope } from '@/lib/server/stored-board-scope'

type Ctx = { params: Promise<{ token: string }> }

/** The comments on the variations in the link's scope (members' and guests'); `?variationId=` narrows to one. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { token } = await params
  const sql = db()
  const { link, board } = await requireGuest(sql, token)
  const raw = new URL(req.url).searchParams.get('variationId')
  const variationId = raw === null ? undefined : parseInput(ZShapeId, raw)
  const scope = await storedBoardScope(sql, { boardId: board.id, scope: link.scope, shotId: link.shotId })
  const variationIds = [...scope.variationIds].filter((id) => variationId === undefined || id === variationId)
  return NextResponse.json({ comments: await listComments(sql, { boardId: board.id, variationIds }) })
})

/** A guest's comment, under the name they gave, on a variation in the link's scope. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { token } = await params
  const sql = db()
  const { link, board, guest } = await requireGuest(sql, token)
  await enforceRateLimits([
    { limit: 'guestCommentsPerGuest', key: guest.id },
    { limit: 'guestCommentsPerLink', key: link.id },
  ])
  const body = parseInput(ZCreateCommentRequest, await readJson(req))
  const guestScope = await storedBoardScope(sql, { boardId: board.id, scope: link.scope, shotId: link.shotId })
  const comment = await createReviewComment(sql, {
    board,
    body,
    author: { guestName: guest.name, reviewLinkId: link.id },
    guestScope,
    maxGuestCommentsPerLink: webEnv().limits.quotas.guestCommentsPerLink,
  })
  return NextResponse.json({ comment }, { status: 201 })
})
