import { z } from 'zod'
import { EDIT_MODELS, type TEditModelId } from './edit-models'
import { GENERATION_INPUT_FIELDS, ZSha256, ZShapeId } from './generation'
import { byModel } from './model-definition'
import { parseInput } from './parse-input'
import { ZEditFocus } from './review'

/** An edit model with its params, typed by model. */
export const ZEditModelParams = byModel(EDIT_MODELS, {})
export type TEditModelParams = z.infer<typeof ZEditModelParams>

/**
 * Parses an edit's `params` against the edit model's schema, returned with the model and typed
 * together; a problem is a BAD_REQUEST naming the field (`params.preset`).
 */
export function parseEditModelJob(model: TEditModelId, params: unknown): TEditModelParams {
  return parseInput(ZEditModelParams, { model, params })
}

/**
 * What `editGenerationWorkflow` runs: an edit of any asset of the workspace (a variation's output,
 * an upload, a library reference, a rendered sequence). An edit of a variation records it as its
 * parent; an edit of anything else has none, only its source asset. Typed by edit model like
 * `ZGenerationInput`.
 */
export const ZEditGenerationInput = byModel(EDIT_MODELS, {
  ...GENERATION_INPUT_FIELDS,
  /** The source (a still or a clip) in the asset store: the parent's output, or the asset itself. */
  sourceAssetSha256: ZSha256,
  /** The variation edited, when the source is one; absent for an upload or a library reference. */
  parentGenerationId: z.string().uuid().optional(),
  parentVariationId: ZShapeId.optional(),
  /** An edit from a comment: the time range and region it was asked about (kept with the row's params). */
  focus: ZEditFocus.optional(),
})
/** The schema's input type, for the reason given at `TGenerationInput`. */
export type TEditGenerationInput = z.input<typeof ZEditGenerationInput>
