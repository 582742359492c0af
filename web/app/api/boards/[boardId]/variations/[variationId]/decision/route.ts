import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZReviewDecisionRequest, ZShapeId, parseInput, variationSubject, type TReviewDecision, type TWebhookEvent } from '@montage/core'
import { publishBoardCommand } from '@montage/board'
import { getVariationClip, recordReviewDecision, recordWebhookEvent } from '@montage/db'
import { emailNotice, noticePath } from '@/lib/server/notify-email'
import { readJson, route } from '@/lib/server/api-error'
import { db, jetstream } from '@/lib/server/context'
import { startRecordedDeliveries } from '@/lib/server/emit-webhook-event'
import { logger } from '@/lib/server/logger'
import { nameBoardVariations } from '@/lib/server/audit-trail'
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
  const { user, caller } = await requireApiSession()
  const { boardId, variationId: rawVariationId } = await params
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId, caller, permission: 'review.decide' })
  const variationId = parseInput(ZShapeId, decodeURIComponent(rawVariationId))
  const body = parseInput(ZReviewDecisionRequest, await readJson(req))
  const clip = await getVariationClip(sql, { boardId, variationId })
  if (!clip && !(await storedBoardScope(sql, { boardId, scope: 'board', shotId: null })).variationIds.has(variationId)) {
    throw new AppError(AppErrorCode.NOT_FOUND, 'This variation is not on this board.')
  }
  // The webhook deliveries are stored with the decision: a crash after it cannot lose them.
  const { decision, deliveryIds } = await sql.begin(async (tx) => {
    const decision = await recordReviewDecision(tx, { boardId, variationId, decision: body.decision, decidedBy: user.id, note: body.note ?? null })
    return { decision, deliveryIds: await recordWebhookEvent(tx, decisionRecordedEvent(board.workspaceId, boardId, decision)) }
  })
  try {
    await publishBoardCommand(await jetstream(), { id: `decision:${decision.id}`, type: 'variation.upsert', boardId, variationId, patch: { reviewState: decision.decision } })
  } catch (e) {
    logger().error({ err: e, boardId, variationId }, 'could not publish review state')
  }
  // The bell names what was decided on (`approved v3 of 'Harbour at dawn'`), as the board stores it.
  const named = await nameBoardVariations(sql, boardId).then((n) => n.get(variationId) ?? null, () => null)
  const version = named?.version ?? null
  const shotTitle = named?.shotTitle?.slice(0, 200) ?? null
  await publishFeed({
    id: `decision:${decision.id}`,
    type: 'review.decision',
    workspaceId: board.workspaceId,
    boardId,
    at: decision.at,
    actor: decision.by,
    variationId,
    decision: decision.decision,
    version,
    shotTitle,
  })
  // Whoever made the variation hears of the decision by email when they take all notifications.
  if (clip?.createdBy && clip.createdBy !== user.id) {
    const what = `${decision.decision === 'approved' ? 'approved' : 'requested changes on'} ${variationSubject({ version, shotTitle })}`
    void emailNotice(sql, { workspaceId: board.workspaceId, kind: 'decision', recipients: [clip.createdBy], subject: `${decision.by.name} ${what}`, text: `${decision.by.name} ${what} on ${board.name}.${decision.note ? `\n\n“${decision.note}”` : ''}`, path: noticePath({ boardId, shapeId: variationId }) })
  }
  await startRecordedDeliveries(sql, `decision.recorded:${decision.id}`, deliveryIds)
  return NextResponse.json({ decision }, { status: 201 })
})

function decisionRecordedEvent(workspaceId: string, boardId: string, decision: TReviewDecision): TWebhookEvent {
  return {
    id: `decision.recorded:${decision.id}`,
    type: 'decision.recorded',
    workspaceId,
    createdAt: decision.at,
    data: { decisionId: decision.id, boardId, variationId: decision.variationId, decision: decision.decision, note: decision.note, by: decision.by },
  }
}
