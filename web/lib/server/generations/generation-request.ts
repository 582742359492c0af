import { z } from 'zod'
import { ZEditAssetSource, ZEditFocus, ZSha256, ZShapeId, type TEditModelParams, type TGenerationModelParams } from '@montage/core'

/** An edit's source when it is not a variation (the request schema lives in @montage/core). */
export { ZEditAssetSource, type TEditAssetSource } from '@montage/core'

const ZRequestReference = z.object({ shapeId: ZShapeId, assetSha256: ZSha256, tag: z.string().max(32).optional() }).strict()

/**
 * What a generation was asked for, as it is stored on its row (`generations.request`): enough to
 * start the same job again without Temporal (Retry). A shot's generation keeps the shot's request;
 * an edit keeps its parent, edit, params, plate and focus. `model` is any string here: a model
 * removed from the catalogue since is Retry's to refuse with a reason.
 */
export const ZStoredGenerationRequest = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('shot'),
    model: z.string(),
    prompt: z.string(),
    /** The model's params as Generate parsed them (defaults filled in). */
    params: z.record(z.string(), z.unknown()),
    /** The shot's linked references, with the tags the prompt may name. */
    references: z.array(ZRequestReference),
  }),
  z.object({
    kind: z.literal('edit'),
    /** The variation edited; absent when the source is an asset (`source`). */
    parentGenerationId: z.string().uuid().optional(),
    source: ZEditAssetSource.optional(),
    model: z.string(),
    prompt: z.string(),
    params: z.record(z.string(), z.unknown()),
    /** A composite's environment plate. */
    references: z.array(ZRequestReference),
    focus: ZEditFocus.optional(),
  }),
  z.object({
    kind: z.literal('sequence'),
    /** The sequence rendered (the row's shot id): a retry reads its timeline from the board again. */
    sequenceId: ZShapeId,
    prores: z.boolean(),
  }),
])
export type TStoredGenerationRequest = z.infer<typeof ZStoredGenerationRequest>

/** What a request says besides its model and params. */
type TRequestFields<K extends TStoredGenerationRequest['kind']> = Omit<Extract<TStoredGenerationRequest, { kind: K }>, 'model' | 'params'>

/** A validated request of a shot's generation: a catalogue model with its own params, typed together. */
export type TShotRequest = TRequestFields<'shot'> & TGenerationModelParams
/** A validated request of an edit: an edit model with its own params, typed together. */
export type TEditRequest = TRequestFields<'edit'> & TEditModelParams
