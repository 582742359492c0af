import { AppError, AppErrorCode, generationWorkflowId, type TGenerationInput } from '@montage/core'
import { createReservedGenerations, finishGeneration, releaseCredits, type Sql } from '@montage/db'

export interface CreateStartedGenerationsOptions {
  sql: Sql
  inputs: Array<Omit<TGenerationInput, 'model' | 'params'> & { model: string; params: Record<string, unknown>; parentGenerationId?: string }>
  /** Starts the workflow(s) once the rows and reservations are stored. */
  start: () => Promise<void>
}

/**
 * The common frame of a batch and an edit start: every row and its credit reservation in one
 * transaction (INSUFFICIENT_CREDITS, nothing stored, when the workspace cannot pay for all), then
 * the workflow start; when Temporal refuses, the reservations go back and the rows say why.
 */
export async function createStartedGenerations({ sql, inputs, start }: CreateStartedGenerationsOptions): Promise<void> {
  const [first] = inputs
  if (!first) throw new AppError(AppErrorCode.BAD_REQUEST, 'count: at least one generation is needed', { field: 'count' })
  await createReservedGenerations(sql, {
    workspaceId: first.workspaceId,
    generations: inputs.map((input) => ({
      id: input.generationId,
      workspaceId: input.workspaceId,
      boardId: input.boardId,
      shotId: input.shotId,
      variationId: input.variationId,
      model: input.model,
      params: input.params,
      credits: input.credits,
      workflowId: generationWorkflowId(input.generationId),
      createdBy: input.userId,
      parentGenerationId: input.parentGenerationId,
    })),
  }).catch((e: unknown) => {
    // UNIQUE (board_id, variation_id): the client reused a variation id.
    if ((e as { code?: string }).code === '23505') {
      throw new AppError(AppErrorCode.CONFLICT, 'variationId: this variation already has a generation', { field: 'variationId' })
    }
    throw e
  })
  try {
    await start()
  } catch (e) {
    for (const input of inputs) {
      await releaseCredits(sql, { generationId: input.generationId })
      await finishGeneration(sql, { id: input.generationId, status: 'failed', error: 'The render queue is unavailable.' })
    }
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The render queue is unavailable right now. Nothing was charged; try again shortly.', { cause: e })
  }
}
