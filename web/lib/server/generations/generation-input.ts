import { randomUUID } from 'node:crypto'
import type { TGenerationInput, TGenerationReference } from '@montage/core'
import type { TEditGenerationInput } from '@montage/workflows/client'
import type { TEditRequest, TShotRequest } from './generation-request'

/** Where one generation goes and who pays: what differs between the generations of one request. */
export interface TGenerationTarget {
  generationId: string
  variationId: string
  workspaceId: string
  boardId: string
  shotId: string
  userId: string
  credits: number
}

/** A shot's generation: its request and the prompt's @tags resolved at start. */
export interface TShotJob {
  request: TShotRequest
  references: TGenerationReference[]
}

/** An edit: its request and the parent it edits (whose output is the source). */
export interface TEditJob {
  request: TEditRequest
  parent: { variationId: string; outputAsset: string }
}

/**
 * The workflow input of one generation, the only place one is built: Generate (one or a batch),
 * Edit and Retry all come through here, so every workflow gets the same fields from the same request.
 */
export function generationInput(target: TGenerationTarget, job: TShotJob): TGenerationInput
export function generationInput(target: TGenerationTarget, job: TEditJob): TEditGenerationInput
export function generationInput(target: TGenerationTarget, job: TShotJob | TEditJob): TGenerationInput | TEditGenerationInput {
  const common = {
    ...target,
    params: job.request.params,
    prompt: job.request.prompt,
    referenceAssets: job.request.references.map((r) => r.assetSha256),
    referenceIds: job.request.references.map((r) => r.shapeId),
  }
  if (!('parent' in job)) return { ...common, model: job.request.model, references: job.references }
  return {
    ...common,
    model: job.request.model,
    sourceAssetSha256: job.parent.outputAsset,
    parentGenerationId: job.request.parentGenerationId,
    parentVariationId: job.parent.variationId,
    ...(job.request.focus ? { focus: job.request.focus } : {}),
  }
}

/** A variation id for a request that named none (API callers that place no placeholder). */
export function newVariationId(): string {
  return `shape:${randomUUID().replace(/-/g, '')}`
}
