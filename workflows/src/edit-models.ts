import { z } from 'zod'
import { LOCAL_EDIT_MODELS, MODELS, type TEditFocus, type TGenerationInput, type TLocalEditModelId } from '@montage/core'

/** Runway models that take a clip and return an edited one (video→video, upscale). */
export const RUNWAY_EDIT_MODEL_IDS = ['aleph2', 'upscale_v1'] as const
export type TRunwayEditModelId = (typeof RUNWAY_EDIT_MODEL_IDS)[number]
export type TEditModelId = TLocalEditModelId | TRunwayEditModelId

export const EDIT_MODEL_IDS: [TEditModelId, ...TEditModelId[]] = ['relight', 'restyle', 'upscale', 'interpolate', 'composite', ...RUNWAY_EDIT_MODEL_IDS]
export const ZEditModelId = z.enum(EDIT_MODEL_IDS)

/** The catalogue entry of an edit model (its params schema, price, queue). */
export function editModel(id: TEditModelId) {
  return id in LOCAL_EDIT_MODELS ? LOCAL_EDIT_MODELS[id as TLocalEditModelId] : MODELS[id as TRunwayEditModelId]
}

/** An edit of an existing variation: its output is the source, and the new generation records it as its parent. */
export interface TEditGenerationInput extends Omit<TGenerationInput, 'model'> {
  model: TEditModelId
  /** The parent generation's output (a still or a clip) in the asset store. */
  sourceAssetSha256: string
  parentGenerationId: string
  parentVariationId: string
  /** An edit from a comment: the time range and region it was asked about (kept with the row's params). */
  focus?: TEditFocus
}
