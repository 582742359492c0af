import { randomUUID } from 'node:crypto'
import { isRunwayModel, runwayInputsTaken, type TEditGenerationInput, type TGenerationInput, type TGenerationReference } from '@montage/core'
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

/** An edit: its request and what it reads (a parent variation's output, or an asset of the workspace). */
export interface TEditJob {
  request: TEditRequest
  source: { sha256: string; parentVariationId?: string }
}

/**
 * The workflow input of one generation, the only place one is built: Generate (one or a batch),
 * Edit and Retry all come through here, so every workflow gets the same fields from the same request.
 */
export function generationInput(target: TGenerationTarget, job: TShotJob): TGenerationInput
export function generationInput(target: TGenerationTarget, job: TEditJob): TEditGenerationInput
export function generationInput(target: TGenerationTarget, job: TShotJob | TEditJob): TGenerationInput | TEditGenerationInput {
  if (!('source' in job)) {
    // The rest is the model with its own params: taken as one piece, so their pairing stays typed.
    const { kind: _kind, prompt, references: linked, ...model } = job.request
    // A Runway model gets only what it takes (Gen-4.5 one image of a shot's two @tags): the
    // workflow is handed exactly that, so the variation lists exactly what the model received.
    const taken = isRunwayModel(model.model)
      ? runwayInputsTaken(model.model, model.params, { linked: linked.length, tagged: job.references.length })
      : { linked: linked.length, tagged: job.references.length }
    return { ...target, ...model, prompt, ...linkedReferences(linked.slice(0, taken.linked)), references: job.references.slice(0, taken.tagged) }
  }
  const { kind: _kind, prompt, references: plate, parentGenerationId, source: _source, focus, ...model } = job.request
  // A Runway edit takes the source first, then what it uses of the references (Aleph's keyframes).
  const plates = isRunwayModel(model.model) ? plate.slice(0, runwayInputsTaken(model.model, model.params, { linked: 1 + plate.length, tagged: 0 }).linked - 1) : plate
  return {
    ...target,
    ...model,
    prompt,
    ...linkedReferences(plates),
    sourceAssetSha256: job.source.sha256,
    ...(parentGenerationId ? { parentGenerationId } : {}),
    ...(job.source.parentVariationId ? { parentVariationId: job.source.parentVariationId } : {}),
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
