import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZReviewDecisionRequest, ZShapeId, parseInput } from '@montage/core'
import { publishBoardCommand } from '@montage/board'
import { getVariationClip, recordReviewDecision } from '@montage/db'
import { readJson, route } from '@/lib/server/api-error'
import { db, jetstream } from '@/lib/server/context'
import { logger } from '@/lib/server/logger'
import { publishFeed } from '@/lib/server/publish-feed'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'
import { storedBoardScope } from '@/lib/server/stored-board-scope'

type Ctx = { params: Promise<{ boardId: string; variationId: string }> }

/**
 * A producer's or owner's decision on a variation: recorded in the audit table first (the
 * record is what counts), then shown on the live board through a `variation.upsert`.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user } = await requireApiSession()
  const { boardId, variationId: rawVariationId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, userId: user.id, permission: 'review.decide' })
  const variationId = parseInput(ZShapeId, decodeURIComponent(rawVariationId))
  const body = parseInput(ZReviewDecisionRequest, await readJson(req))
  const clip = await getVariationClip(sql, { boardId, variationId })
  if (!clip && !(await storedBoardScope(sql, { boardId, scope: 'board', shotId: null })).variationIds.has(variationId)) {
    throw new AppError(AppErrorCode.NOT_FOUND, 'This variation is not on this board.')
  }
  const decision = await recordReviewDecision(sql, { boardId, variationId, decision: body.decision, decidedBy: user.id, note: body.note ?? null })
  try {
    await publishBoardCommand(await jetstream(), { id: `decision:${decision.id}`, type: 'variation.upsert', boardId, variationId, patch: { reviewState: decision.decision } })
  } catch (e) {
    logger().error({ err: e, boardId, variationId }, 'could not publish review state')
  }
  await publishFeed({
    id: `decision:${decision.id}`,
    type: 'review.decision',
    workspaceId: board.workspaceId,
    boardId,
    at: decision.at,
    actor: decision.by,
    variationId,
    decision: decision.decision,
  })
  return NextResponse.json({ decision }, { status: 201 })
})
