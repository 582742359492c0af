import { AppError, AppErrorCode, generationWorkflowId, type TEditGenerationInput, type TGenerationInput, type TSequenceRenderGenerationInput } from '@montage/core'
import { createReservedGenerations, failUnstartedGenerations, getApprovalThreshold, type Sql } from '@montage/db'
import type { TStoredGenerationRequest } from './generation-request'
import { chargeUnderIdempotencyKey } from '../idempotency'
import { logger } from '../logger'
import { webMetrics } from '../metrics'
import { warnIfBudgetCrossed } from './budget-warning'

export interface StoreAndStartGenerationsOptions {
  /** One input per generation (a batch's N, or one), all of one request and one workspace. */
  inputs: Array<TGenerationInput | TEditGenerationInput | TSequenceRenderGenerationInput>
  /** What was asked, stored on every row so Retry can ask it again. */
  request: TStoredGenerationRequest
  /** Starts the workflow(s) once the rows and their reservations are stored. */
  start: () => Promise<unknown>
}

const UNAVAILABLE = 'The render queue is unavailable right now. Nothing was charged; try again shortly.'

/**
 * How every generation starts, whatever its kind: its row and its credit reservation in one
 * transaction (INSUFFICIENT_CREDITS, nothing stored, when the workspace cannot pay for all of
 * them), then its workflow; when Temporal refuses, the reservations go back and the rows say why.
 * The workflow's own reservation then finds this one, so nothing is charged twice or run for free.
 * A job priced above the workspace's approval threshold is stored waiting and unreserved (it must
 * still fit its board's budget), and its workflow starts told to wait for a producer's decision.
 */
export async function storeAndStartGenerations(sql: Sql, { inputs, request, start }: StoreAndStartGenerationsOptions): Promise<void> {
  const [first] = inputs
  if (!first) throw new AppError(AppErrorCode.BAD_REQUEST, 'count: at least one generation is needed', { field: 'count' })
  // Per job: each generation (a batch's variations one by one) against the threshold. Set on the
  // inputs themselves, which `start` hands to the workflow.
  const threshold = await getApprovalThreshold(sql, first.workspaceId)
  for (const input of inputs) {
    if (threshold !== null && input.credits > threshold) input.awaitApproval = true
    else delete input.awaitApproval
  }
  await createReservedGenerations(sql, {
    workspaceId: first.workspaceId,
    generations: inputs.map((input) => ({
      id: input.generationId,
      workspaceId: input.workspaceId,
      boardId: input.boardId,
      shotId: input.shotId,
      variationId: input.variationId,
      model: input.model,
      // An edit's focus rides with the stored params (what the variation was asked to change),
      // not with the model's own params, whose schemas are strict.
      params: 'focus' in input && input.focus ? { ...input.params, focus: input.focus } : input.params,
      credits: input.credits,
      workflowId: generationWorkflowId(input.generationId),
      createdBy: input.userId,
      ...('parentGenerationId' in input && input.parentGenerationId ? { parentGenerationId: input.parentGenerationId } : {}),
      ...('sourceAssetSha256' in input ? { sourceAssetSha256: input.sourceAssetSha256 } : {}),
      request,
      ...(input.awaitApproval ? { awaitingApproval: true } : {}),
    })),
    // A request sent with an Idempotency-Key: its claim is marked charged with the charge itself.
    alsoStore: chargeUnderIdempotencyKey,
  }).catch((e: unknown) => {
    // UNIQUE (board_id, variation_id): the client reused a variation id.
    if ((e as { code?: string }).code === '23505') {
      throw new AppError(AppErrorCode.CONFLICT, 'variationId: this variation already has a generation', { field: 'variationId' })
    }
    throw e
  })
  const credits = inputs.reduce((sum, i) => sum + (i.awaitApproval ? 0 : i.credits), 0)
  webMetrics()?.credits('reserved', credits)
  try {
    await start()
  } catch (e) {
    logger().error({ err: e, generationIds: inputs.map((i) => i.generationId) }, 'could not start a generation workflow')
    await failUnstartedGenerations(sql, { generationIds: inputs.map((i) => i.generationId), reason: 'The render queue is unavailable.' })
    webMetrics()?.credits('released', credits)
    throw new AppError(AppErrorCode.UNAVAILABLE, UNAVAILABLE, { cause: e })
  }
  if (credits > 0) await warnIfBudgetCrossed(sql, { workspaceId: first.workspaceId, boardId: first.boardId, adding: credits, charged: true, actorId: first.userId })
}
