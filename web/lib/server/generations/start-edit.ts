import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import {
  AppError,
  AppErrorCode,
  generationWorkflowId,
  isLocalEditModel,
  jobCredits,
  modelAvailability,
  parseEditModelJob,
  ZEditFocus,
  ZEditModelId,
  ZSha256,
  ZShapeId,
} from '@montage/core'
import { getAsset, type Sql } from '@montage/db'
import { startEditGenerationWorkflow } from '@montage/workflows/client'
import { temporalClient } from '../context'
import { modelAvailabilityOptions, webEnv } from '../env'
import { requireGenerationAccess } from '../require-generation-access'
import { generationInput, newVariationId } from './generation-input'
import type { TEditRequest } from './generation-request'
import type { StartedGeneration } from './start-generation'
import { storeAndStartGenerations } from './store-and-start-generations'

/** Body of `POST /api/generations/<parent id>/edit`. */
export const ZStartEditRequest = z
  .object({
    model: ZEditModelId,
    /** Checked against the edit model's own schema (`params.preset`, …) in a second pass. */
    params: z.record(z.string(), z.unknown()).default({}),
    prompt: z.string().max(4000).default(''),
    /** The variation shape the client already placed (queued); the server makes one up if absent. */
    variationId: ZShapeId.optional(),
    /** A composite's environment plate (its first entry); other edits take none. */
    references: z.array(z.object({ shapeId: ZShapeId, assetSha256: ZSha256 }).strict()).max(1).default([]),
    /** An edit from a comment: the comment's time range and region. */
    focus: ZEditFocus.optional(),
  })
  .strict()
export type TStartEditRequest = z.infer<typeof ZStartEditRequest>

export interface StartedEdit extends StartedGeneration {
  parentGenerationId: string
}

/**
 * Validates an edit of a succeeded generation's output and starts it: a new generation in the
 * parent's shot whose row records its parent. Everything is checked first; the credits are reserved
 * with the row, so a workspace that cannot pay gets a 402 and nothing is stored.
 */
export async function validateAndStartEdit(sql: Sql, userId: string, parentGenerationId: string, body: TStartEditRequest): Promise<StartedEdit> {
  // Access first: someone who may not edit this generation learns nothing from a params error.
  const parent = await requireGenerationAccess(sql, { generationId: parentGenerationId, userId })
  const job = parseEditModelJob(body.model, body.params)
  if (parent.status !== 'succeeded' || !parent.outputAsset) {
    throw new AppError(AppErrorCode.CONFLICT, `This variation is ${parent.status}; only a finished variation can be edited.`)
  }
  if (!isLocalEditModel(body.model)) {
    const availability = modelAvailability(body.model, modelAvailabilityOptions())
    if (!availability.available) throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${availability.reason}`, { field: 'model' })
  }
  if (body.model === 'composite' && body.references.length === 0) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'references: a composite needs an environment plate', { field: 'references' })
  }
  for (const [i, ref] of body.references.entries()) {
    if (!(await getAsset(sql, { workspaceId: parent.workspaceId, sha256: ref.assetSha256 }))) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `references.${i}.assetSha256: no such image in this workspace`, { field: `references.${i}.assetSha256` })
    }
  }
  const source = await getAsset(sql, { workspaceId: parent.workspaceId, sha256: parent.outputAsset })
  if (source?.mimeType.startsWith('audio/')) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'model: this variation is a sound; the edits work on pictures and clips', { field: 'model' })
  }
  // Only edits that change pixels in place can keep to a time range and a region.
  if (body.focus && body.model !== 'relight' && body.model !== 'restyle') {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'focus: only a relight or a restyle can keep to a comment\'s time and region', { field: 'focus' })
  }
  const clipSeconds = (source?.durationMs ?? 0) / 1000
  if (body.focus && clipSeconds > 0 && body.focus.startSeconds > clipSeconds) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'focus.startSeconds: past the end of the clip', { field: 'focus.startSeconds' })
  }
  // Local edits are priced by the length of their source, Runway's by their params.
  const credits = jobCredits({ ...job, sourceSeconds: (source?.durationMs ?? 0) / 1000 })

  const request: TEditRequest = {
    kind: 'edit',
    parentGenerationId: parent.id,
    ...job,
    prompt: body.prompt,
    references: body.references,
    ...(body.focus ? { focus: body.focus } : {}),
  }
  const input = generationInput(
    {
      generationId: randomUUID(),
      variationId: body.variationId ?? newVariationId(),
      workspaceId: parent.workspaceId,
      boardId: parent.boardId,
      shotId: parent.shotId,
      userId,
      credits,
    },
    { request, parent: { variationId: parent.variationId, outputAsset: parent.outputAsset } },
  )
  await storeAndStartGenerations(sql, {
    inputs: [input],
    request,
    start: async () => startEditGenerationWorkflow({ client: await temporalClient(), input, taskQueuePrefix: webEnv().TASK_QUEUE_PREFIX }),
  })
  return { generationId: input.generationId, variationId: input.variationId, workflowId: generationWorkflowId(input.generationId), credits, parentGenerationId: parent.id }
}
