import { randomUUID } from 'node:crypto'
import type { TEditGenerationInput, TGenerationInput, TGenerationReference } from '@montage/core'
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
  if (!('parent' in job)) {
    // The rest is the model with its own params: taken as one piece, so their pairing stays typed.
    const { kind: _kind, prompt, references: linked, ...model } = job.request
    return { ...target, ...model, prompt, ...linkedReferences(linked), references: job.references }
  }
  const { kind: _kind, prompt, references: plate, parentGenerationId, focus, ...model } = job.request
  return {
    ...target,
    ...model,
    prompt,
    ...linkedReferences(plate),
    sourceAssetSha256: job.parent.outputAsset,
    parentGenerationId,
    parentVariationId: job.parent.variationId,
    ...(focus ? { focus } : {}),
  }
}

function linkedReferences(references: TShotRequest['references']): { referenceAssets: string[]; referenceIds: string[] } {
  return { referenceAssets: references.map((r) => r.assetSha256), referenceIds: references.map((r) => r.shapeId) }
}

/** A variation id for a request that named none (API callers that place no placeholder). */
export function newVariationId(): string {
  return `shape:${randomUUID().replace(/-/g, '')}`
}
