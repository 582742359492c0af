import { z } from 'zod'
import { ZEditFocus, ZSha256, ZShapeId, type TModelId } from '@montage/core'
import type { TEditModelId } from '@montage/workflows/client'

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
    parentGenerationId: z.string().uuid(),
    model: z.string(),
    prompt: z.string(),
    params: z.record(z.string(), z.unknown()),
    /** A composite's environment plate. */
    references: z.array(ZRequestReference),
    focus: ZEditFocus.optional(),
  }),
])
export type TStoredGenerationRequest = z.infer<typeof ZStoredGenerationRequest>

/** A validated request of a shot's generation: its model is in the catalogue. */
export type TShotRequest = Extract<TStoredGenerationRequest, { kind: 'shot' }> & { model: TModelId }
/** A validated request of an edit: its model is an edit model. */
export type TEditRequest = Extract<TStoredGenerationRequest, { kind: 'edit' }> & { model: TEditModelId }
