import { NextResponse } from 'next/server'
import { AppError, AppErrorCode, ZApprovalDecisionRequest, parseInput } from '@montage/core'
import { decideGenerationApproval, undoGenerationApproval } from '@montage/db'
import { signalGenerationApproval } from '@montage/workflows/client'
import { readJson, route } from '@/lib/server/api-error'
import { db, temporalClient } from '@/lib/server/context'
import { warnIfBudgetCrossed } from '@/lib/server/generations/budget-warning'
import { requireGenerationAccess } from '@/lib/server/require-generation-access'
import { requireApiSession } from '@/lib/server/session'

type Ctx = { params: Promise<{ id: string }> }

/**
 * An owner's or producer's decision on a job waiting above the approval threshold. The first
 * decision is recorded on the row (a second one is a 409 naming the first), then told to the
 * job's workflow: approved, it reserves its credits (budget and balance checked then) and runs;
 * refused, it ends and nothing is charged. When the workflow cannot be told, the decision is undone.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user, caller } = await requireApiSession()
  const { id } = await params
  const sql = db()
  const generation = await requireGenerationAccess(sql, { generationId: id, caller, permission: 'job.approve' })
  const { decision } = parseInput(ZApprovalDecisionRequest, await readJson(req))
  const decided = await decideGenerationApproval(sql, { generationId: generation.id, decision, userId: user.id, userName: user.name })
  try {
    await signalGenerationApproval({ client: await temporalClient(), generationId: generation.id, decision: { decision, userId: user.id, userName: user.name } })
  } catch (e) {
    await undoGenerationApproval(sql, generation.id)
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The render queue is unavailable right now; the decision was not recorded. Try again shortly.', { cause: e })
  }
  if (decision === 'approve') await warnIfBudgetCrossed(sql, { workspaceId: generation.workspaceId, boardId: generation.boardId, adding: generation.credits, actorId: user.id })
  return NextResponse.json({ generationId: generation.id, approval: decision === 'approve' ? 'approved' : 'refused', approvalBy: { id: user.id, name: user.name }, credits: decided.credits })
})
